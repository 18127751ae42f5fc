"""The assessment's lifecycle: the lock every write takes, and the transitions between
statuses. (Who may edit: `Assessment.read_only_reason` and `access.edit_refusal`.)

Two rules keep a submission equal to its snapshot whatever colleagues do meanwhile:

- every write to an answer or a file starts with `lock_for_editing`, a conditional
  UPDATE of the assessment's row that succeeds only while the assessment is editable
  and holds the row until the write commits;
- every transition locks that same row, checks the status it leaves, then changes it.

So a save and a submit of one assessment take turns on one row lock: a save that got
there first commits before the submit's snapshot is read (and is in it); a save that
comes second waits, finds the assessment submitted and is refused. On SQLite, whose
transactions take the database's write lock at BEGIN (IMMEDIATE), they take turns
anyway.
"""

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from .limits import Growth
from .models import Assessment, AssessmentStatus, Cycle, ReviewComment, StatusChange

# The statuses each transition may leave.
TRANSITIONS = {
    AssessmentStatus.SUBMITTED: (AssessmentStatus.DRAFT, AssessmentStatus.RETURNED),
    AssessmentStatus.RETURNED: (AssessmentStatus.SUBMITTED,),
    AssessmentStatus.ACCEPTED: (AssessmentStatus.SUBMITTED,),
}


class TransitionRefused(PermissionDenied):
    """The assessment is not in a status this transition may leave, or has moved on."""


def lock_for_editing(assessment: Assessment, growth: Growth | None = None) -> None:
    """Hold the assessment's row until the transaction ends, if it may still be edited.

    Call it first in the transaction of any write to the assessment's answers or files.
    The status test is on the locked row itself, so a save that waited for a submit
    sees the submitted status (PostgreSQL re-reads a row it waited for). A save's
    `growth` of the evidence totals is added in the same UPDATE, which matches only if
    the totals have room for it: ValidationError otherwise.
    """
    growth = growth or Growth()
    locked = Assessment.objects.filter(
        pk=assessment.pk,
        status__in=Assessment.EDITABLE_STATUSES,
        cycle_id__in=Cycle.objects.filter(is_open=True).values("pk"),
        **growth.room_needed(),
    ).update(
        last_activity_at=timezone.now(),
        # Never below zero, should totals written by hand ever be short.
        evidence_chars=Greatest(F("evidence_chars") + growth.chars, 0),
        evidence_lines=Greatest(F("evidence_lines") + growth.lines, 0),
        link_count=Greatest(F("link_count") + growth.links, 0),
    )
    if not locked:
        current = Assessment.objects.select_related("cycle").get(pk=assessment.pk)
        reason = current.read_only_reason()
        if reason:
            raise PermissionDenied(reason)
        raise growth.refusal(current)


def assessment_transition(
    *,
    assessment: Assessment,
    to: str,
    user: AbstractBaseUser,
    comment: ReviewComment | None = None,
    seen_submission: int | None = None,
) -> StatusChange:
    """Move the assessment to `to` from one of the statuses it may leave, and record it.

    Call it inside a transaction. The row is locked first, so the status checked is the
    status changed, and no save or submit can slip in between. `seen_submission` is
    the version a reviewer had before them: if a newer one exists, nothing changes.
    """
    current = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("cycle")
        .get(pk=assessment.pk)
    )
    if current.status not in TRANSITIONS[to] or (
        to == AssessmentStatus.SUBMITTED and not current.cycle.is_open
    ):
        raise TransitionRefused(_refusal(current, to))
    if to == AssessmentStatus.SUBMITTED:
        # Checked again on the locked row: an extension replaced meanwhile by a shorter
        # one, or a deadline passing during the request, is the rule in force now.
        refusal = current.deadline_refusal()
        if refusal:
            raise TransitionRefused(refusal)
    if seen_submission is not None:
        latest = current.submissions.order_by("-number").values_list("number", flat=True).first()
        if latest != seen_submission:
            raise TransitionRefused(
                _(
                    "Version %(latest)s was submitted after the version %(seen)s you reviewed. "
                    "Review version %(latest)s first; nothing has been changed."
                )
                % {"latest": latest, "seen": seen_submission}
            )
    Assessment.objects.filter(pk=current.pk).update(status=to, last_activity_at=timezone.now())
    assessment.status = to
    return StatusChange.objects.create(
        assessment=assessment,
        from_status=current.status,
        to_status=to,
        changed_by=user,
        comment=comment,
    )


def _refusal(current: Assessment, to: str) -> str:
    if to == AssessmentStatus.SUBMITTED:
        return current.read_only_reason() or _("This assessment has already been submitted.")
    if current.status == to:
        return (
            _("This assessment has already been accepted.")
            if to == AssessmentStatus.ACCEPTED
            else _("This assessment has already been returned to the delegation.")
        )
    return _("Only a submitted assessment can be returned or accepted; this one is %(status)s.") % {
        "status": current.get_status_display().lower()
    }
