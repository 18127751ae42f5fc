"""The secretariat's review: comments, return for revision, acceptance.

Each transition is a conditional UPDATE from the one status it may leave, so two
reviewers acting at once cannot both succeed, and each is recorded as a StatusChange.
A refused transition raises inside the transaction, so its comment is not kept either.
"""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Assessment, AssessmentStatus, Response, ReviewComment, StatusChange

MAX_COMMENT_LENGTH = 5000


class TransitionRefused(Exception):
    """The assessment is not in a status this transition may leave."""


def _clean_text(text: str, *, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ValueError(_("Write a comment: the delegation needs to know what to revise."))
    if len(text) > MAX_COMMENT_LENGTH:
        raise ValueError(
            _("A comment may be at most %(max)s characters long.") % {"max": MAX_COMMENT_LENGTH}
        )
    return text


def review_comment_add(
    *, assessment: Assessment, text: str, user: AbstractBaseUser, response: Response | None = None
) -> ReviewComment:
    """Comment on the assessment or on one of its answers; the delegation sees it."""
    if response is not None and response.assessment_id != assessment.pk:
        raise ValueError(_("This answer belongs to another assessment."))
    return ReviewComment.objects.create(
        assessment=assessment,
        response=response,
        text=_clean_text(text, required=True),
        written_by=user,
    )


def _transition(
    *, assessment: Assessment, to: str, user: AbstractBaseUser, comment: ReviewComment | None
) -> StatusChange:
    updated = Assessment.objects.filter(pk=assessment.pk, status=AssessmentStatus.SUBMITTED).update(
        status=to, last_activity_at=timezone.now()
    )
    if not updated:
        assessment.refresh_from_db(fields=["status"])
        raise TransitionRefused(
            _("Only a submitted assessment can be %(action)s; this one is %(status)s.")
            % {
                "action": AssessmentStatus(to).label.lower(),
                "status": assessment.get_status_display().lower(),
            }
        )
    assessment.status = to
    return StatusChange.objects.create(
        assessment=assessment,
        from_status=AssessmentStatus.SUBMITTED,
        to_status=to,
        changed_by=user,
        comment=comment,
    )


@transaction.atomic
def assessment_return(*, assessment: Assessment, user: AbstractBaseUser, text: str) -> StatusChange:
    """Send a submitted assessment back to the delegation, which may then edit it again."""
    text = _clean_text(text, required=True)
    comment = ReviewComment.objects.create(assessment=assessment, text=text, written_by=user)
    return _transition(
        assessment=assessment, to=AssessmentStatus.RETURNED, user=user, comment=comment
    )


@transaction.atomic
def assessment_accept(
    *, assessment: Assessment, user: AbstractBaseUser, text: str = ""
) -> StatusChange:
    """Accept a submitted assessment; it stays read-only for the delegation."""
    text = _clean_text(text, required=False)
    comment = (
        ReviewComment.objects.create(assessment=assessment, text=text, written_by=user)
        if text
        else None
    )
    return _transition(
        assessment=assessment, to=AssessmentStatus.ACCEPTED, user=user, comment=comment
    )
