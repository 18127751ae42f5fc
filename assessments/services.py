"""State changes of assessments, as keyword-only functions for views, admin and commands."""

import hashlib
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from catalogue.bidi import code_list
from catalogue.models import Recommendation, Theme
from delegations.models import MemberState

from . import limits, pdf
from .access import delegation_refusal, submit_refusal
from .lifecycle import assessment_transition, lock_for_editing
from .models import (
    Answer,
    AnswerChange,
    AnswerStatus,
    Assessment,
    AssessmentStatus,
    Attachment,
    Cycle,
    Submission,
)
from .notifications import notify_submitted
from .snapshot import build_snapshot, unprintable_parts

logger = logging.getLogger(__name__)


class AnswerConflict(Exception):
    """A save was based on an older version than the one stored."""

    def __init__(self, current: Answer):
        super().__init__(_("This answer was changed by someone else in the meantime."))
        self.current = current


@dataclass(frozen=True)
class AnswerContent:
    status: str
    evidence: str
    links: list[str]

    def as_dict(self) -> dict:
        return {"status": self.status, "evidence": self.evidence, "links": list(self.links)}


def previous_assessment(*, member_state: MemberState, cycle: Cycle) -> Assessment | None:
    return (
        Assessment.objects.filter(member_state=member_state, cycle__deadline__lt=cycle.deadline)
        .order_by("-cycle__deadline")
        .first()
    )


@transaction.atomic
def assessment_start(
    *,
    member_state: MemberState,
    cycle: Cycle,
    started_by: AbstractBaseUser,
    copy_previous: bool = False,
) -> Assessment:
    """Open a State's assessment for a cycle, with a blank answer per Member State recommendation.

    With `copy_previous`, answers to the same recommendations in the State's latest
    earlier cycle are copied (status, evidence and links; files stay with their cycle).
    """
    if not cycle.is_open:
        raise PermissionDenied(_("This reporting cycle is closed."))
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(
                member_state=member_state, cycle=cycle, created_by=started_by
            )
    except IntegrityError:
        # Two colleagues pressed "start" at once: the other one's assessment is the one.
        return Assessment.objects.get(member_state=member_state, cycle=cycle)
    assessment_sync_answers(assessment=assessment)
    if copy_previous:
        previous = previous_assessment(member_state=member_state, cycle=cycle)
        if previous is not None:
            _copy_answers(source=previous, target=assessment, user=started_by)
    return assessment


def assessment_sync_answers(*, assessment: Assessment) -> int:
    """Add blank answers for Member State recommendations added to the cycle's reports since."""
    recommendations = Recommendation.objects.for_member_states().filter(
        section__report__cycles=assessment.cycle
    )
    missing = recommendations.exclude(answers__assessment=assessment).values_list("pk", flat=True)
    created = Answer.objects.bulk_create(
        [Answer(assessment=assessment, recommendation_id=pk) for pk in missing],
        ignore_conflicts=True,
    )
    return len(created)


def assessment_count_evidence(*, assessment: Assessment) -> None:
    """Set the assessment's evidence totals from its answers.

    Saves keep them up to date; this is for answers written in bulk, outside the
    services (benchmark data, a repair).
    """
    answers = list(assessment.answers.values_list("evidence", "links"))
    Assessment.objects.filter(pk=assessment.pk).update(
        evidence_chars=sum(len(evidence) for evidence, _ in answers),
        evidence_lines=sum(limits.line_count(evidence) for evidence, _ in answers),
        link_count=sum(len(links) for _, links in answers),
    )


def answers_sync_open_cycles() -> int:
    """Give every assessment of an open cycle a blank answer for each Member State
    recommendation its cycle's reports gained (the secretariat adds them in the admin)."""
    return sum(
        assessment_sync_answers(assessment=assessment)
        for assessment in Assessment.objects.filter(cycle__is_open=True).select_related("cycle")
    )


def _copy_answers(*, source: Assessment, target: Assessment, user: AbstractBaseUser) -> None:
    answered = {
        row["recommendation_id"]: row
        for row in source.answers.exclude(status=AnswerStatus.NOT_ANSWERED, evidence="").values(
            "recommendation_id", "status", "evidence", "links"
        )
    }
    now = timezone.now()
    changes = []
    for answer in target.answers.filter(recommendation_id__in=answered):
        row = answered[answer.recommendation_id]
        before = answer.content()
        answer.status, answer.evidence, answer.links = (
            row["status"],
            row["evidence"],
            row["links"],
        )
        answer.version = 1
        answer.updated_at, answer.updated_by = now, user
        changes.append(
            AnswerChange(
                answer=answer,
                kind=AnswerChange.Kind.COPIED,
                version=1,
                changed_at=now,
                changed_by=user,
                before=before,
                after=answer.content(),
            )
        )
        answer.save(
            update_fields=["status", "evidence", "links", "version", "updated_at", "updated_by"]
        )
    AnswerChange.objects.bulk_create(changes)
    assessment_count_evidence(assessment=target)  # written in bulk, not saved


def _begin_edit(
    assessment: Assessment, user: AbstractBaseUser, growth: limits.Growth | None = None
) -> None:
    """Every write to an answer or a file starts here, whoever calls: only the State's
    own delegation writes, and only while the assessment's row lock says it may."""
    refusal = delegation_refusal(user, assessment)
    if refusal:
        raise PermissionDenied(refusal)
    lock_for_editing(assessment, growth)


@transaction.atomic
def answer_save(
    *,
    answer: Answer,
    content: AnswerContent,
    base_version: int,
    user: AbstractBaseUser,
    kind: str = AnswerChange.Kind.EDITED,
    note: str = "",
) -> Answer:
    """Save an answer if nobody saved it since `base_version`; record the change.

    `kind` and `note` say where the change came from when not from the web form (a
    workbook, a theme); the rules are the same whatever the source.

    `answer` is the answer as the caller read it (read again only if its version is
    not `base_version`). The compare-and-set UPDATE on the version decides between two
    concurrent saves, on SQLite and PostgreSQL alike: if it matches, the stored answer
    was still `answer`, the "before" of the history. Raises ValidationError when the
    answer or its assessment would exceed its limits.
    """
    if answer.version != base_version:
        stored = Answer.objects.select_related("updated_by").get(pk=answer.pk)
        if stored.version != base_version:
            raise AnswerConflict(current=stored)
        stored.assessment = answer.assessment
        answer = stored
    if answer.content() == content.as_dict():
        return answer
    limits.check_answer(evidence=content.evidence, links=content.links)
    _begin_edit(
        answer.assessment,
        user,
        growth=limits.Growth.of(before=answer.content(), after=content.as_dict()),
    )
    now = timezone.now()
    updated = Answer.objects.filter(pk=answer.pk, version=base_version).update(
        status=content.status,
        evidence=content.evidence,
        links=content.links,
        version=F("version") + 1,
        updated_at=now,
        updated_by=user,
    )
    if not updated:
        raise AnswerConflict(current=Answer.objects.get(pk=answer.pk))
    AnswerChange.objects.create(
        answer=answer,
        kind=kind,
        version=base_version + 1,
        changed_at=now,
        changed_by=user,
        before=answer.content(),
        after=content.as_dict(),
        note=note[:200],
    )
    return Answer(
        pk=answer.pk,
        assessment=answer.assessment,
        recommendation_id=answer.recommendation_id,
        **content.as_dict(),
        version=base_version + 1,
        updated_at=now,
        updated_by=user,
    )


class ThemeConflict(Exception):
    """Answers a theme was to be applied to changed since the form was shown."""

    def __init__(self, answers: list[Answer]):
        codes = code_list(answer.recommendation.code for answer in answers)
        super().__init__(
            _(
                "Nothing was applied: these answers were changed by someone else since you "
                "opened the page: %(codes)s. Check them, then apply the theme again."
            )
            % {"codes": codes}
        )
        self.answers = answers


@transaction.atomic
def theme_answer(
    *,
    assessment: Assessment,
    theme: Theme,
    content: AnswerContent,
    versions: dict[int, int],
    user: AbstractBaseUser,
) -> list[Answer]:
    """Give the answers `versions` names (answer pk -> the version the person saw) the
    theme's status and evidence, each as an ordinary save with its own history.

    All or nothing: if any of them was saved by someone else since (its version is not
    the one seen), none is changed and ThemeConflict names them. Answers outside the
    theme or the assessment are refused. The caller decides which answers are offered
    (those unanswered, or also those answered once the person confirmed it).
    """
    answers = list(
        Answer.objects.filter(
            assessment=assessment,
            pk__in=versions,
            recommendation__theme_links__theme=theme,
        )
        .select_related("recommendation", "updated_by")
        .distinct()
        .in_catalogue_order()
    )
    if len(answers) != len(versions):
        raise ValidationError(_("Some of these answers are not in this theme: reload the page."))
    changed = [answer for answer in answers if answer.version != versions[answer.pk]]
    if changed:
        raise ThemeConflict(changed)
    saved = []
    for answer in answers:
        answer.assessment = assessment
        try:
            saved.append(
                answer_save(
                    answer=answer,
                    content=content,
                    base_version=versions[answer.pk],
                    user=user,
                    kind=AnswerChange.Kind.THEME,
                    note=theme.name,
                )
            )
        except AnswerConflict:
            # Saved by a colleague between the check above and this save.
            raise ThemeConflict([answer]) from None
    return saved


def _record_attachment_change(
    *, answer: Answer, kind: str, user: AbstractBaseUser, attachment: Attachment
) -> None:
    # Only the file that came or went: a list of every file per change would grow the
    # history quadratically. Files do not change the answer's version, so an upload
    # does not make a colleague's open form look stale.
    described = [attachment.describe()]
    added = kind == AnswerChange.Kind.ATTACHMENT_ADDED
    AnswerChange.objects.create(
        answer=answer,
        kind=kind,
        version=answer.version,
        changed_by=user,
        before={"attachments": [] if added else described},
        after={"attachments": described if added else []},
    )


def _check_file_quotas(answer: Answer, size: int) -> None:
    answer_files = list(answer.attachments.only("size"))
    totals = Attachment.objects.filter(answer__assessment_id=answer.assessment_id).aggregate(
        count=Count("pk"), size=Sum("size")
    )
    limits.check_files(
        answer_files=answer_files,
        assessment_count=totals["count"],
        assessment_bytes=totals["size"] or 0,
        size=size,
    )


@transaction.atomic
def attachment_add(
    *, answer: Answer, upload, checked_type, sha256: str, user: AbstractBaseUser
) -> Attachment:
    """Store a checked evidence file on an answer and record it in the answer's history.

    Raises ValidationError when the answer or the assessment has no room for it.
    """
    _begin_edit(answer.assessment, user)
    _check_file_quotas(answer, upload.size)
    attachment = Attachment(
        answer=answer,
        original_name=upload.name[:200],
        extension=checked_type.extension,
        content_type=checked_type.content_type,
        size=upload.size,
        sha256=sha256,
        uploaded_by=user,
    )
    attachment.file.save(upload.name, upload, save=False)
    try:
        attachment.save()
        _record_attachment_change(
            answer=answer,
            kind=AnswerChange.Kind.ATTACHMENT_ADDED,
            user=user,
            attachment=attachment,
        )
    except Exception:
        # The row is rolled back with the transaction; the file must go too.
        attachment.file.delete(save=False)
        raise
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: Attachment, user: AbstractBaseUser) -> None:
    answer = attachment.answer
    _begin_edit(answer.assessment, user)
    _record_attachment_change(
        answer=answer,
        kind=AnswerChange.Kind.ATTACHMENT_REMOVED,
        user=user,
        attachment=attachment,
    )
    file = attachment.file
    attachment.delete()
    # The file goes only once the deletion is committed, so a rollback keeps both.
    transaction.on_commit(lambda: file.storage.delete(file.name))


class ReportUnprintable(ValidationError):
    """The country report would hold characters that no shipped font can print."""


@transaction.atomic
def assessment_submit(*, assessment: Assessment, submitted_by: AbstractBaseUser) -> Submission:
    """Freeze the assessment as submitted and keep a snapshot of what was submitted.

    The transition holds the assessment's row from the status change to the commit, and
    every save takes that row first: the snapshot, read after the transition, holds
    every save that was accepted and no save is accepted after it. A double submit (two
    tabs, two colleagues) creates one submission: the second is refused.
    """
    refusal = submit_refusal(submitted_by, assessment)
    if refusal:
        raise PermissionDenied(refusal)
    assessment_transition(assessment=assessment, to=AssessmentStatus.SUBMITTED, user=submitted_by)
    assessment_sync_answers(assessment=assessment)
    number = assessment.submissions.count() + 1
    now = timezone.now()
    snapshot = build_snapshot(
        assessment=assessment, submitted_by=submitted_by, submitted_at=now, number=number
    )
    # The snapshot is what the PDF prints, so it is the snapshot that is checked (live
    # answers read before the transition could still change): a character no shipped
    # font has would be frozen as an empty box. Raising here rolls the transition back.
    problems = unprintable_parts(snapshot)
    if problems:
        raise ReportUnprintable(problems)
    submission = Submission(
        assessment=assessment,
        number=number,
        submitted_at=now,
        submitted_by=submitted_by,
        snapshot=snapshot,
    )
    # Built here, not typed: the unique (assessment, number) constraint is the check.
    submission.save()
    notify_submitted(submission)
    # The document is rendered by a worker from the snapshot once the submission is
    # committed: the request does not wait for it, and a failed rendering never undoes a
    # submission. Should queuing fail, the submission still stands and the retry after
    # PDF_RETRY_AFTER queues it (robust: logged, not raised into a committed request).
    transaction.on_commit(lambda: submission_pdf_enqueue(submission_pk=submission.pk), robust=True)
    return submission


class PdfNotReady(Exception):
    """The submission's PDF is not stored: its rendering failed (`failed`), or is under way."""

    def __init__(self, submission: Submission, *, failed: bool = False):
        super().__init__(_("The country report of this submission is not ready yet."))
        self.submission = submission
        self.failed = failed


# A rendering that neither stored a PDF nor recorded a failure within this time died
# with its process; a failed one is tried again after it too.
PDF_RETRY_AFTER = timedelta(minutes=2)


def submission_store_pdf(submission: Submission, *, retry_now: bool = False) -> Submission:
    """Render a submission's country report from its snapshot and keep it; only once.

    The stored file is what the submission's PDF *is*: later changes of live data,
    templates or the catalogue never reach it. A rendering first claims the submission
    (one at a time, and a failed one is retried only after PDF_RETRY_AFTER unless
    `retry_now`); a failure is recorded for the secretariat and raises PdfNotReady.
    """
    if submission.pdf:
        return submission
    now = timezone.now()
    unclaimed = Q(pdf_attempted_at=None) | Q(pdf_attempted_at__lt=now - PDF_RETRY_AFTER)
    if retry_now:
        unclaimed |= Q(pdf_attempted_at__lt=now)
    claimed = Submission.objects.filter(unclaimed, pk=submission.pk, pdf="").update(
        pdf_attempted_at=now, pdf_attempts=F("pdf_attempts") + 1
    )
    if not claimed:
        stored = Submission.objects.get(pk=submission.pk)
        if stored.pdf:
            return stored
        raise PdfNotReady(stored)
    try:
        document = pdf.render_country_report(submission.snapshot)
    except Exception as error:
        logger.exception("The PDF of submission %s could not be rendered", submission.pk)
        Submission.objects.filter(pk=submission.pk).update(
            pdf_error=f"{type(error).__name__}: {error}"[:2000]
        )
        submission.refresh_from_db()
        raise PdfNotReady(submission, failed=True) from error
    with transaction.atomic():
        stored = Submission.objects.select_for_update().get(pk=submission.pk)
        if stored.pdf:  # stored meanwhile by a rendering whose claim had expired
            return stored
        stored.pdf.save(stored.pdf_filename(), ContentFile(document), save=False)
        stored.pdf_sha256 = hashlib.sha256(document).hexdigest()
        stored.pdf_rendered_at = timezone.now()
        stored.pdf_error = ""
        stored.save(update_fields=["pdf", "pdf_sha256", "pdf_rendered_at", "pdf_error"])
    return stored


def submission_pdf_enqueue(*, submission_pk: int, retry_now: bool = False) -> None:
    """Queue the rendering of a submission's PDF; the worker runs submission_store_pdf."""
    # Imported here: the task module calls the services.
    from .tasks import render_submission_pdf

    render_submission_pdf.enqueue(submission_pk, retry_now=retry_now)


def submission_pdf_retry_due(submission: Submission) -> bool:
    """Whether a missing PDF should be queued again: its last rendering failed or died
    (or its task was lost) more than PDF_RETRY_AFTER ago."""
    if submission.pdf:
        return False
    last = submission.pdf_attempted_at or submission.submitted_at
    return last < timezone.now() - PDF_RETRY_AFTER


def submission_pdf_retry(submission: Submission) -> bool:
    """Queue a retry of a missing PDF if one is due and none was queued within
    PDF_RETRY_AFTER (downloads call this on every visit); whether one was queued."""
    if not submission_pdf_retry_due(submission):
        return False
    # One retry per attempt and period, across every web process (the cache is the
    # database table that the rate limits share): the next attempt, or a retry whose
    # task was lost with its worker, opens the way for the next one.
    attempt = submission.pdf_attempted_at.isoformat() if submission.pdf_attempted_at else "none"
    key = f"pdf-retry:{submission.pk}:{attempt}"
    if not cache.add(key, True, PDF_RETRY_AFTER.total_seconds()):
        return False
    submission_pdf_enqueue(submission_pk=submission.pk)
    return True


def submissions_missing_pdf():
    return Submission.objects.filter(pdf="").order_by("submitted_at")


def submissions_queue_missing_pdfs(*, retry_now: bool = False) -> int:
    """Queue the rendering of every missing PDF that is due (all of them with
    `retry_now`); how many were queued."""
    queued = 0
    for submission in submissions_missing_pdf():
        if retry_now:
            submission_pdf_enqueue(submission_pk=submission.pk, retry_now=True)
            queued += 1
        elif submission_pdf_retry(submission):  # not again while a retry is pending
            queued += 1
    return queued


def submissions_render_missing_pdfs(*, retry_now: bool = False) -> tuple[int, int]:
    """Render every stored submission's missing PDF in this process; (rendered, still missing)."""
    rendered = missing = 0
    for submission in submissions_missing_pdf():
        try:
            submission_store_pdf(submission, retry_now=retry_now)
        except PdfNotReady:
            missing += 1
        else:
            rendered += 1
    return rendered, missing
