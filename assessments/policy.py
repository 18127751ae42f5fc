"""The status rules: what may happen to an assessment, given its status, its cycle and
its deadline. Each rule is written here once, as a predicate on an assessment (or its
status) and, beside it, the same rule as a database filter. Services, the edit lock,
the desk, the notices and the templates (through `AssessmentRules`) ask here; nothing
else in the code compares an assessment's status (tests/assessments/test_policy.py).

Who may act (the State's own delegation, its focal point, the secretariat) is the other
half of a decision: `access`.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext

from .models import (
    Assessment,
    AssessmentStatus,
    Cycle,
    Publication,
    Submission,
    deadline_passed,
    utc_display,
)

Status = AssessmentStatus

# The delegation edits a draft, and an assessment returned for revision.
EDITABLE = (Status.DRAFT, Status.RETURNED)
# What the secretariat counts as submitted: under review, or accepted.
SUBMITTED = (Status.SUBMITTED, Status.ACCEPTED)
# The statuses each transition may leave.
TRANSITIONS = {
    Status.SUBMITTED: (Status.DRAFT, Status.RETURNED),
    Status.RETURNED: (Status.SUBMITTED,),
    Status.ACCEPTED: (Status.SUBMITTED,),
}
# Which assessments of a cycle the secretariat's figures count (overview, across States).
SCOPES = {"submitted": SUBMITTED, "all": tuple(Status.values)}


# Editing: the delegation's answers and files.


def edit_refusal(assessment: Assessment) -> str:
    """Why its delegation may not edit `assessment` now ("" while it may).

    The deadline does not stop editing: answers can be saved until the cycle is closed.
    """
    if not assessment.cycle.is_open:
        return gettext("This reporting cycle is closed.")
    if assessment.status == Status.ACCEPTED:
        accepted_at = (
            assessment.status_changes.filter(to_status=Status.ACCEPTED)
            .order_by("-changed_at", "-pk")
            .values_list("changed_at", flat=True)
            .first()
        )
        if accepted_at is None:
            return gettext("The secretariat has accepted this assessment; it is final.")
        return gettext("The secretariat accepted this assessment on %(date)s; it is final.") % {
            "date": utc_display(accepted_at)
        }
    if assessment.status not in EDITABLE:
        return gettext(
            "This assessment has been submitted and is read-only until the secretariat returns it."
        )
    return ""


def may_edit(assessment: Assessment) -> bool:
    return not edit_refusal(assessment)


def editable_q() -> Q:
    """`may_edit` as a filter of assessments: the edit lock's UPDATE matches only these.

    The status is tested on the row itself, never through a join: PostgreSQL re-reads a
    row an UPDATE waited for, so a save that waited for a submit sees it submitted.
    """
    return Q(status__in=EDITABLE) & Q(cycle_id__in=Cycle.objects.filter(is_open=True).values("pk"))


def is_being_edited(status: str) -> bool:
    """Its answers are a live draft, not the version submitted (whether or not the cycle
    is still open)."""
    return status in EDITABLE


# The deadline: it binds the first submission.


def deadline_binds(status: str | None) -> bool:
    """Whether the deadline binds a State whose assessment has `status` (None: never
    started). A returned assessment may be submitted again while the cycle is open: the
    secretariat asked for that revision."""
    return status is None or status == Status.DRAFT


def deadline_binds_q(status_field: str = "status") -> Q:
    """`deadline_binds` as a filter; `status_field` may be null (a State never started)."""
    return Q(**{f"{status_field}__isnull": True}) | Q(**{status_field: Status.DRAFT})


def deadline_refusal(assessment: Assessment, now: datetime | None = None) -> str:
    """Why its State may no longer submit `assessment` ("" while it may), as far as time
    goes: the deadline, or the extension in force, closes the first submission."""
    if not deadline_binds(assessment.status) or not deadline_passed(
        assessment.submission_deadline, now
    ):
        return ""
    return gettext(
        "The deadline for submitting passed on %(deadline)s. Answers can still be saved; "
        "to submit, ask the secretariat for an extension."
    ) % {"deadline": utc_display(assessment.closes_at)}


def is_overdue(status: str | None, deadline: date, today: date) -> bool:
    return deadline_binds(status) and deadline < today


def overdue_q(*, status_field: str, deadline_field: str, today: date) -> Q:
    """`is_overdue` as a filter, for States that never started too."""
    return deadline_binds_q(status_field) & Q(**{f"{deadline_field}__lt": today})


def shows_time_left(assessment: Assessment, now: datetime | None = None) -> bool:
    """Whether its overview counts down to the deadline: a draft that may still be submitted."""
    return (
        assessment.status == Status.DRAFT
        and assessment.cycle.is_open
        and not deadline_refusal(assessment, now)
    )


# Submitting, returning, accepting.


def submit_refusal(assessment: Assessment, now: datetime | None = None) -> str:
    """Why `assessment` may not be submitted now, whoever asks ("" while it may)."""
    return edit_refusal(assessment) or deadline_refusal(assessment, now)


def may_leave(status: str, to: str) -> bool:
    """Whether the transition to `to` may leave `status`."""
    return status in TRANSITIONS[to]


def transition_refusal(assessment: Assessment, to: str) -> str:
    """Why the transition to `to` may not happen now ("" when it may); read on the locked
    row by `services.lifecycle.assessment_transition`."""
    if to == Status.SUBMITTED:
        if not may_leave(assessment.status, to) or not assessment.cycle.is_open:
            return edit_refusal(assessment) or gettext(
                "This assessment has already been submitted."
            )
        # A deadline passing during the request, or an extension replaced meanwhile by a
        # shorter one, is the rule in force now.
        return deadline_refusal(assessment)
    if may_leave(assessment.status, to):
        return ""
    if assessment.status == to:
        return (
            gettext("This assessment has already been accepted.")
            if to == Status.ACCEPTED
            else gettext("This assessment has already been returned to the delegation.")
        )
    return gettext(
        "Only a submitted assessment can be returned or accepted; this one is %(status)s."
    ) % {"status": assessment.get_status_display().lower()}


def may_be_reviewed(status: str) -> bool:
    """Whether the secretariat may return or accept it: submitted, and not decided yet."""
    return may_leave(status, Status.RETURNED) and may_leave(status, Status.ACCEPTED)


def is_return(to_status: str) -> bool:
    return to_status == Status.RETURNED


def is_submitted(status: str) -> bool:
    """Whether the secretariat counts it as submitted: under review, or accepted."""
    return status in SUBMITTED


def is_decided(status: str) -> bool:
    """Whether the secretariat has returned or accepted its latest submitted version."""
    return status in (Status.RETURNED, Status.ACCEPTED)


# Chasing: reminders and extensions go only where the deadline still binds.


def reminder_refusal(status: str | None) -> str:
    """Why a State whose assessment has `status` (None: never started) is not reminded of
    its deadline, as a phrase; "" when it is."""
    if deadline_binds(status):
        return ""
    if status == Status.RETURNED:
        return gettext("returned for revision: a reminder of the deadline does not apply")
    if status == Status.ACCEPTED:
        return gettext("already submitted and accepted")
    return gettext("already submitted")


def may_get_extension(status: str | None, *, cycle_open: bool) -> bool:
    """An extension moves the deadline of the first submission: only where it binds."""
    return cycle_open and deadline_binds(status)


def extension_q(status_field: str = "status") -> Q:
    """`may_get_extension` as a filter of a cycle's States (with the cycle open)."""
    return deadline_binds_q(status_field)


# Publication: a State's consent to make one accepted submission public.


def _latest_number(assessment: Assessment) -> int | None:
    return assessment.submissions.order_by("-number").values_list("number", flat=True).first()


def publish_refusal(submission: Submission, assessment: Assessment | None = None) -> str:
    """Why `submission` may not be published now, whoever asks ("" while it may).

    Only the latest submitted version of an accepted assessment: consent is for that
    text, never for a draft, a version under review, or one returned for revision.
    `assessment`, when given, is the row read under its lock (services.publication).
    """
    assessment = assessment or submission.assessment
    if assessment.status != Status.ACCEPTED:
        return gettext("Only an accepted assessment can be published; this one is %(status)s.") % {
            "status": assessment.get_status_display().lower()
        }
    if _latest_number(assessment) != submission.number:
        return gettext("A newer version of this assessment was submitted since this one.")
    publication = Publication.objects.filter(submission=submission).first()
    if publication is not None and not publication.is_withdrawn:
        return gettext("This assessment is already published.")
    return ""


def may_publish(submission: Submission) -> bool:
    return not publish_refusal(submission)


def withdraw_refusal(submission: Submission) -> str:
    """Why the publication of `submission` may not be withdrawn now ("" while it may)."""
    publication = Publication.objects.filter(submission=submission).first()
    if publication is None or publication.is_withdrawn:
        return gettext("This assessment is not published.")
    return ""


def may_withdraw(submission: Submission) -> bool:
    return not withdraw_refusal(submission)


def published_q(prefix: str = "") -> Q:
    """Submissions that are public now, as a filter of submissions (`prefix` names the
    submission from another model, e.g. "submission__"): accepted, the latest version
    of its assessment, published and not withdrawn. The filter side of `is_published`,
    and of `publish_refusal`/`withdraw_refusal`: a newer submission ends the consent."""
    newer = Submission.objects.filter(
        assessment_id=OuterRef(f"{prefix}assessment_id"), number__gt=OuterRef(f"{prefix}number")
    )
    return Q(
        **{
            f"{prefix}assessment__status": Status.ACCEPTED,
            f"{prefix}publication__isnull": False,
            f"{prefix}publication__withdrawn_at__isnull": True,
        }
    ) & ~Exists(newer)


def is_published(submission: Submission) -> bool:
    """`published_q` for one submission."""
    return (
        submission.assessment.status == Status.ACCEPTED
        and _latest_number(submission.assessment) == submission.number
        and Publication.objects.filter(submission=submission, withdrawn_at=None).exists()
    )


def accepted_q() -> Q:
    """Submissions the secretariat has accepted, as a filter of submissions: the latest
    version of an accepted assessment (an acceptance is final, so it is the version
    accepted). What the secretariat's synthesis counts (opendata/synthesis)."""
    newer = Submission.objects.filter(
        assessment_id=OuterRef("assessment_id"), number__gt=OuterRef("number")
    )
    return Q(assessment__status=Status.ACCEPTED) & ~Exists(newer)


@dataclass(frozen=True)
class AssessmentRules:
    """The rules of one assessment now, for its templates: they never compare statuses."""

    may_edit: bool
    edit_refusal: str
    deadline_refusal: str
    shows_time_left: bool
    is_submitted: bool
    may_be_reviewed: bool  # submitted, awaiting the secretariat's return or acceptance
    is_returned: bool
    may_get_extension: bool
    # Of its latest submission: whether it may be published now, or is public now.
    may_publish: bool = False
    is_published: bool = False

    @classmethod
    def of(cls, assessment: Assessment, now: datetime | None = None) -> "AssessmentRules":
        now = now or timezone.now()
        refusal = edit_refusal(assessment)
        return cls(
            may_edit=not refusal,
            edit_refusal=refusal,
            deadline_refusal="" if refusal else deadline_refusal(assessment, now),
            shows_time_left=shows_time_left(assessment, now),
            is_submitted=is_submitted(assessment.status),
            may_be_reviewed=may_be_reviewed(assessment.status),
            is_returned=is_return(assessment.status),
            may_get_extension=may_get_extension(
                assessment.status, cycle_open=assessment.cycle.is_open
            ),
            **_publication_rules(assessment),
        )


def _publication_rules(assessment: Assessment) -> dict:
    """`publish_refusal` and `is_published` of its latest submission, in one query: of
    the latest version of an accepted assessment, both depend only on its publication.
    Only an accepted assessment reads it: the others' pages pay no query."""
    if assessment.status != Status.ACCEPTED:
        return {}
    latest = assessment.submissions.order_by("-number").select_related("publication").first()
    if latest is None:
        return {}
    publication = getattr(latest, "publication", None)
    published = publication is not None and not publication.is_withdrawn
    return {"may_publish": not published, "is_published": published}
