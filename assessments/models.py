import uuid
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from catalogue.models import CATALOGUE_ORDER, TranslatedQuerySet, Translation, shown_in
from delegations.models import MemberState
from r2p_site.fonts import validate_printable

from . import limits


def end_of_day(day: date) -> datetime:
    """A deadline day ends at 23:59:59 UTC: one instant for every delegation, wherever it is."""
    return datetime.combine(day, time.max, tzinfo=UTC)


def deadline_passed(day: date, now: datetime | None = None) -> bool:
    """Whether the deadline day `day` is over; the SQL form of it is `day < utc_today()`."""
    return (now or timezone.now()) > end_of_day(day)


def deadline_in_force(cycle_deadline: date, extended_until: date | None) -> date:
    """The last day a State may first submit: the later of its cycle's deadline and the
    extension granted to it last. An extension the cycle's deadline has since overtaken
    (the cycle postponed past it) has no effect: it never shortens the State's time.
    `deadline_in_force_sql` is the same rule in a query."""
    return max(cycle_deadline, extended_until or cycle_deadline)


def deadline_in_force_sql(extended_until, cycle_deadline: date):
    """`deadline_in_force` as an expression: `extended_until` names the field (or holds
    the expression) of the latest extension, NULL where there is none."""
    cycle = models.Value(cycle_deadline, output_field=models.DateField())
    return Greatest(Coalesce(extended_until, cycle), cycle, output_field=models.DateField())


def utc_today(now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(UTC).date()


def utc_display(moment: datetime) -> str:
    """For example "25 June 2025, 23:59 UTC": dates are shown in UTC, the zone named."""
    return gettext("%(datetime)s UTC") % {
        "datetime": formats.date_format(moment.astimezone(UTC), "DATETIME_FORMAT")
    }


class CycleManager(models.Manager.from_queryset(TranslatedQuerySet)):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Cycle(models.Model):
    """A reporting round, e.g. the one ahead of the General Assembly debate of 25 June 2025."""

    code = models.SlugField(_("code"), max_length=20, unique=True, help_text=_("e.g. 2025"))
    name = models.CharField(_("name"), max_length=200, unique=True, validators=[validate_printable])
    deadline = models.DateField(_("deadline"))
    reports = models.ManyToManyField(
        "catalogue.Report", related_name="cycles", verbose_name=_("reports covered")
    )
    is_open = models.BooleanField(
        _("open"), default=True, help_text=_("Delegations can edit and submit only in open cycles.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CycleManager()

    class Meta:
        ordering = ["-deadline"]
        verbose_name = _("reporting cycle")
        verbose_name_plural = _("reporting cycles")

    def __str__(self):
        return self.name_shown

    def natural_key(self):
        return (self.code,)

    @property
    def name_shown(self) -> str:
        """The cycle's name in the active language: its official translation, or the
        English (lists prefetch the translations with `with_translations()`)."""
        return shown_in(self, "name").text

    @property
    def closes_at(self) -> datetime:
        return end_of_day(self.deadline)


class CycleTranslation(Translation):
    """The name of a cycle in another UN language, as the secretariat enters it."""

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="translations", verbose_name=_("cycle")
    )
    name = models.CharField(_("name"), max_length=200, validators=[validate_printable])

    class Meta(Translation.Meta):
        verbose_name = _("translation of the cycle's name")
        verbose_name_plural = _("translations of the cycle's name")
        constraints = [
            *Translation.Meta.constraints,
            models.UniqueConstraint(
                fields=["cycle", "language"], name="cycle_translation_unique_language"
            ),
        ]


class Extension(models.Model):
    """More time to submit, granted by the secretariat to one State in one cycle.

    Extensions are a record: a new grant is a new row, and the latest one granted is in
    force (it may shorten an earlier one, never end before the cycle's deadline).
    """

    member_state = models.ForeignKey(
        MemberState,
        on_delete=models.PROTECT,
        related_name="extensions",
        verbose_name=_("Member State"),
    )
    cycle = models.ForeignKey(
        Cycle, on_delete=models.PROTECT, related_name="extensions", verbose_name=_("cycle")
    )
    until = models.DateField(
        _("new deadline"),
        help_text=_("Submitting stays open until the end of this day, 23:59 UTC."),
    )
    reason = models.TextField(_("reason"), max_length=limits.EXTENSION_REASON_MAX_CHARS)
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("granted by"),
    )

    class Meta:
        ordering = ["-granted_at", "-pk"]
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        indexes = [models.Index(fields=["member_state", "cycle", "-granted_at"])]

    def __str__(self):
        return _("%(state)s, %(cycle)s: until %(until)s") % {
            "state": self.member_state,
            "cycle": self.cycle,
            "until": formats.date_format(self.until, "DATE_FORMAT"),
        }

    def clean(self):
        if self.cycle_id and self.until and self.until < self.cycle.deadline:
            raise ValidationError(
                {
                    "until": _("An extension cannot end before the cycle's deadline, %(deadline)s.")
                    % {"deadline": formats.date_format(self.cycle.deadline, "DATE_FORMAT")}
                }
            )

    @property
    def closes_at(self) -> datetime:
        return end_of_day(self.until)


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", pgettext_lazy("assessment status", "Submitted")
    RETURNED = "returned", _("Returned for revision")
    ACCEPTED = "accepted", _("Accepted")


class AssessmentQuerySet(models.QuerySet):
    def for_member_state(self, member_state):
        return self.filter(member_state=member_state)


class Assessment(models.Model):
    """One Member State's self-assessment in one reporting cycle."""

    member_state = models.ForeignKey(
        MemberState,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("Member State"),
    )
    cycle = models.ForeignKey(
        Cycle, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("cycle")
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.DRAFT,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    last_activity_at = models.DateTimeField(_("last activity"), auto_now_add=True)
    # The totals of its answers' evidence, kept beside the row every write locks, so that
    # the limits of an assessment (limits.py) are checked by the UPDATE that takes the
    # lock: two colleagues cannot both take the last room, and a save reads no totals.
    evidence_chars = models.PositiveIntegerField(_("characters of evidence"), default=0)
    evidence_lines = models.PositiveIntegerField(_("lines of evidence"), default=0)
    link_count = models.PositiveIntegerField(_("evidence links"), default=0)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["cycle", "member_state__name"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        permissions = [("review_assessment", _("Can review assessments"))]
        constraints = [
            models.UniqueConstraint(
                fields=["member_state", "cycle"], name="one_assessment_per_state_per_cycle"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=AssessmentStatus.values),
                name="assessment_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.member_state} – {self.cycle}"

    def get_absolute_url(self):
        return reverse("assessments:assessment_detail", args=[self.pk])

    @cached_property
    def extension(self) -> Extension | None:
        """The extension in force for its State in its cycle: the latest one granted."""
        return Extension.objects.filter(
            member_state_id=self.member_state_id, cycle_id=self.cycle_id
        ).first()

    @property
    def extension_in_force(self) -> Extension | None:
        """The extension granted last, if it gives more time than the cycle's deadline."""
        extension = self.extension
        return extension if extension and extension.until > self.cycle.deadline else None

    @property
    def submission_deadline(self) -> date:
        """The last day its State may submit it for the first time (`deadline_in_force`)."""
        return deadline_in_force(self.cycle.deadline, self.extension and self.extension.until)

    @property
    def closes_at(self) -> datetime:
        return end_of_day(self.submission_deadline)


class AnswerStatus(models.TextChoices):
    NOT_ANSWERED = "", _("Not yet answered")
    IMPLEMENTED = "implemented", _("Implemented")
    PARTIALLY_IMPLEMENTED = "partially_implemented", _("Partially implemented")
    NOT_STARTED = "not_started", _("Not started")


# Answers in the order of the recommendations they answer.
ANSWER_ORDER = tuple(f"recommendation__{field}" for field in CATALOGUE_ORDER)


class AnswerQuerySet(TranslatedQuerySet):
    def in_catalogue_order(self):
        return self.order_by(*ANSWER_ORDER)

    def with_catalogue(self):
        """With the recommendation, its report and its addressee, in the same query."""
        return self.select_related(
            "recommendation__section__report", "recommendation__section__target"
        )

    def with_files(self):
        return self.prefetch_related(
            models.Prefetch("attachments", queryset=Attachment.objects.order_by("pk"))
        )


class Answer(models.Model):
    """A State's answer to one recommendation addressed to Member States."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="answers", verbose_name=_("assessment")
    )
    recommendation = models.ForeignKey(
        "catalogue.Recommendation",
        on_delete=models.PROTECT,
        related_name="answers",
        verbose_name=_("recommendation"),
    )
    status = models.CharField(
        _("implementation status"),
        max_length=30,
        choices=AnswerStatus.choices,
        default=AnswerStatus.NOT_ANSWERED,
        blank=True,
    )
    evidence = models.TextField(_("evidence"), blank=True, max_length=limits.EVIDENCE_MAX_CHARS)
    links = models.JSONField(_("evidence links"), default=list, blank=True)
    # Incremented by every save; a save based on an older version is a conflict.
    version = models.PositiveIntegerField(_("version"), default=0)
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    objects = AnswerQuerySet.as_manager()

    class Meta:
        ordering = list(ANSWER_ORDER)
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "recommendation"],
                name="one_answer_per_assessment_recommendation",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=AnswerStatus.values),
                name="answer_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.assessment.member_state} – {self.recommendation.code}"

    @property
    def is_answered(self) -> bool:
        return self.status != AnswerStatus.NOT_ANSWERED

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence.strip() or self.links)

    @property
    def is_blank(self) -> bool:
        """Nothing given yet, neither status nor evidence nor a file: what answering a
        theme fills in without asking (anything else is replaced only once the person
        confirms it). Reads `attachments.all()`: lists prefetch them (`with_files()`)."""
        return (
            not self.is_answered
            and not self.evidence
            and not self.links
            and not self.attachments.all()
        )

    def content(self) -> dict:
        """What a change records and a conflict shows: the typed content of the answer."""
        return {"status": self.status, "evidence": self.evidence, "links": list(self.links)}


class AnswerChange(models.Model):
    """One recorded change to an answer: who, when, before and after."""

    class Kind(models.TextChoices):
        EDITED = "edited", _("Answer edited")
        ATTACHMENT_ADDED = "attachment_added", _("Attachment added")
        ATTACHMENT_REMOVED = "attachment_removed", _("Attachment removed")
        COPIED = "copied", _("Copied from the previous cycle")
        WORKBOOK = "workbook", _("Edited in a workbook")
        THEME = "theme", _("Copied from a theme")

    answer = models.ForeignKey(
        Answer, on_delete=models.CASCADE, related_name="changes", verbose_name=_("answer")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    version = models.PositiveIntegerField(_("version after the change"))
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    before = models.JSONField(_("before"), default=dict)
    after = models.JSONField(_("after"), default=dict)
    # Where a change came from beyond its kind: the workbook's file name, the theme.
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("answer change")
        verbose_name_plural = _("answer changes")
        indexes = [models.Index(fields=["answer", "-changed_at"])]

    def __str__(self):
        return f"{self.answer} – {self.get_kind_display()} ({self.changed_at:%Y-%m-%d %H:%M})"


def attachment_path(attachment, filename):
    # The stored name never comes from the user: a random name keeps uploads unguessable
    # and free of path tricks; the original name is kept in a field for downloads.
    return f"attachments/{attachment.answer.assessment_id}/{uuid.uuid4().hex}{attachment.extension}"


class Attachment(models.Model):
    """An evidence file, stored privately and served only through a permission-checked view."""

    answer = models.ForeignKey(
        Answer, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("answer")
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    extension = models.CharField(_("extension"), max_length=10)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("assessments:attachment_download", args=[self.pk])

    def describe(self) -> dict:
        return {"name": self.original_name, "sha256": self.sha256, "size": self.size}


def submission_pdf_path(submission, filename):
    # Private, like attachments: the name is unguessable and never shown to users.
    return f"submissions/{submission.assessment_id}/{uuid.uuid4().hex}.pdf"


class Submission(models.Model):
    """The frozen record of one act of submitting an assessment.

    The snapshot holds everything the country report shows, so that the document
    of a past submission never changes when live data, templates or the catalogue do.
    """

    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=_("assessment"),
    )
    number = models.PositiveIntegerField(_("version"))
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    snapshot = models.JSONField(_("snapshot"))
    pdf = models.FileField(_("PDF"), upload_to=submission_pdf_path, max_length=200, blank=True)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True, db_index=True)
    pdf_rendered_at = models.DateTimeField(_("PDF rendered at"), null=True, blank=True)
    # A rendering claims the submission by setting pdf_attempted_at, so that concurrent
    # downloads do not render it twice; a failure leaves its error for the secretariat.
    pdf_attempted_at = models.DateTimeField(_("PDF last attempted at"), null=True, blank=True)
    # The worker's task that holds the claim: its claim ends with the task, so that a
    # rendering interrupted by a dead worker is taken over at once, not after the
    # claim's time (assessments/services/reports.py).
    pdf_claimed_by_task = models.UUIDField(_("PDF claimed by task"), null=True, blank=True)
    pdf_attempts = models.PositiveSmallIntegerField(_("PDF rendering attempts"), default=0)
    pdf_error = models.TextField(_("PDF rendering error"), blank=True)

    class Meta:
        ordering = ["assessment", "-number"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "number"], name="one_submission_per_assessment_version"
            ),
        ]

    def __str__(self):
        return _("%(assessment)s, version %(number)s") % {
            "assessment": self.assessment,
            "number": self.number,
        }

    def get_absolute_url(self):
        return reverse("assessments:submission_detail", args=[self.assessment_id, self.number])

    def pdf_filename(self) -> str:
        """For example R2P-NOR-2025-v2.pdf."""
        return (
            f"R2P-{self.snapshot['member_state']['iso3']}-{self.snapshot['cycle']['code']}"
            f"-v{self.number}.pdf"
        )


class Publication(models.Model):
    """A State's consent to publish one accepted submission: the answers, evidence and
    links of that submission, and the attachments its focal point ticked.

    Consent is for one submission's text: it never carries over to another submission of
    the same assessment. Withdrawing keeps the row (who and when) and unpublishes it;
    publishing again is a new consent, with its own attachments. Every publish and
    withdrawal is in `PublicationEvent` too.
    """

    submission = models.OneToOneField(
        Submission,
        on_delete=models.PROTECT,
        related_name="publication",
        verbose_name=_("submission"),
    )
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("published by"),
    )
    # Only the files ticked are public; the others stay private even while published.
    attachments = models.ManyToManyField(
        Attachment, blank=True, related_name="publications", verbose_name=_("attachments")
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True, withdrawn_by__isnull=True)
                | models.Q(withdrawn_at__isnull=False, withdrawn_by__isnull=False),
                name="publication_withdrawn_with_who_and_when",
            ),
        ]

    def __str__(self):
        return str(self.submission)

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class PublicationEventKind(models.TextChoices):
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class PublicationEvent(models.Model):
    """One act of publishing or withdrawing: who, when, which files were public. A record:
    rows are added, never changed."""

    Kind = PublicationEventKind

    publication = models.ForeignKey(
        Publication,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("publication"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("who"),
    )
    # The files public from this act on, as `Attachment.describe()` gives them: the
    # record outlives a file later removed.
    attachments = models.JSONField(_("attachments"), default=list, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("publication event")
        verbose_name_plural = _("publication events")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=PublicationEventKind.values),
                name="publication_event_kind_valid",
            ),
        ]

    def __str__(self):
        return f"{self.publication} – {self.get_kind_display()} ({self.at:%Y-%m-%d %H:%M})"


class ReviewComment(models.Model):
    """A secretariat comment on an assessment, or on one of its answers; the delegation sees it."""

    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.CASCADE,
        related_name="review_comments",
        verbose_name=_("assessment"),
    )
    answer = models.ForeignKey(
        Answer,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="review_comments",
        verbose_name=_("answer"),
    )
    text = models.TextField(_("comment"), max_length=limits.COMMENT_MAX_CHARS)
    written_at = models.DateTimeField(_("written at"), default=timezone.now)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    # The delegation says the comment has been dealt with; the secretariat sees who and when.
    addressed_at = models.DateTimeField(_("addressed at"), null=True, blank=True)
    addressed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("addressed by"),
    )

    class Meta:
        ordering = ["written_at", "pk"]
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")

    def __str__(self):
        return self.text[:60]

    @property
    def is_addressed(self) -> bool:
        return self.addressed_at is not None


class CommentReply(models.Model):
    """The delegation's reply to a secretariat comment; the secretariat sees it on the review
    page. Replies hang from the comment, never from each other: a comment and its answers."""

    comment = models.ForeignKey(
        ReviewComment,
        on_delete=models.CASCADE,
        related_name="replies",
        verbose_name=_("comment"),
    )
    text = models.TextField(_("reply"), max_length=limits.COMMENT_MAX_CHARS)
    written_at = models.DateTimeField(_("written at"), default=timezone.now)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("written by"),
    )

    class Meta:
        ordering = ["written_at", "pk"]
        verbose_name = _("reply to a comment")
        verbose_name_plural = _("replies to comments")

    def __str__(self):
        return self.text[:60]


class StatusChange(models.Model):
    """One transition of an assessment's status: who, when, and the comment that came with it."""

    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.CASCADE,
        related_name="status_changes",
        verbose_name=_("assessment"),
    )
    from_status = models.CharField(
        _("status before"), max_length=20, choices=AssessmentStatus.choices
    )
    to_status = models.CharField(_("status after"), max_length=20, choices=AssessmentStatus.choices)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    comment = models.ForeignKey(
        ReviewComment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("comment"),
    )

    class Meta:
        ordering = ["changed_at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class EmailKind(models.TextChoices):
    SUBMITTED = "submitted", _("Submission received")
    RETURNED = "returned", _("Returned for revision")
    ACCEPTED = "accepted", _("Accepted")
    COMMENT = "comment", _("New comment from the secretariat")
    REMINDER = "reminder", _("Deadline reminder")
    OVERDUE = "overdue", _("Deadline passed")


class EmailRecord(models.Model):
    """One e-mail the site sends to a delegation: to whom, about what, when it left, or
    why it did not.

    `key` names the occasion (e.g. "v2" for the second submission, "2026-09-01-7-days"
    for the reminder seven days before that deadline), unique per State, cycle, kind and
    language, so that a notice prepared twice (a task run twice, the jobs run twice) is
    sent once.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=EmailKind.choices)
    member_state = models.ForeignKey(
        MemberState, on_delete=models.PROTECT, related_name="+", verbose_name=_("Member State")
    )
    cycle = models.ForeignKey(
        Cycle, on_delete=models.PROTECT, related_name="+", verbose_name=_("cycle")
    )
    key = models.CharField(_("occasion"), max_length=100)
    # An occasion has one record per language its recipients read the site in.
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    recipients = models.JSONField(_("recipients"), default=list)
    copy_to = models.JSONField(_("copy to"), default=list, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"))
    created_at = models.DateTimeField(_("prepared at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("delivery error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        constraints = [
            models.UniqueConstraint(
                fields=["member_state", "cycle", "kind", "key", "language"],
                name="one_email_per_occasion_and_language",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=EmailKind.values), name="email_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.member_state} ({self.key})"


def export_path(export, filename):
    # Private, like the country reports: served only by the secretariat's download view.
    return f"exports/{uuid.uuid4().hex}.zip"


class ExportState(models.TextChoices):
    QUEUED = "queued", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class Export(models.Model):
    """A file built for the secretariat by a worker (the submitted PDFs as one ZIP):
    who asked, when, and where it is once ready."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    # The selection as it was asked for; the file holds what was stored when it was built.
    assessment_ids = models.JSONField(_("assessments"), default=list)
    filename = models.CharField(_("file name"), max_length=100)
    state = models.CharField(
        _("state"), max_length=10, choices=ExportState, default=ExportState.QUEUED
    )
    file = models.FileField(_("file"), upload_to=export_path, max_length=200, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=ExportState.values), name="export_state_valid"
            ),
        ]

    # The ZIP of every State's report builds in a minute or two; one still queued long
    # after lost its worker (stopped mid-task) and will not come without a new request.
    LOST_AFTER = timedelta(minutes=30)

    def __str__(self):
        return self.filename

    def progress(self, now: datetime | None = None) -> str:
        if (
            self.state == ExportState.QUEUED
            and self.requested_at < (now or timezone.now()) - self.LOST_AFTER
        ):
            return _("Not built: the worker stopped before finishing. Request it again.")
        return self.get_state_display()
