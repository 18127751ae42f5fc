"""The secretariat's review: comments, return for revision, acceptance.

Return and accept are transitions of the assessment's lifecycle (lifecycle.py), tied to
the version the reviewer saw: two reviewers acting at once cannot both succeed, and a
version submitted since the page was opened is never accepted unseen. A refused
transition raises inside the transaction, so its comment is not kept either.
"""

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import limits
from ..access import delegation_refusal
from ..models import Answer, Assessment, AssessmentStatus, CommentReply, ReviewComment, StatusChange
from .lifecycle import assessment_transition
from .notifications import notify_comment, notify_transition


def clean_comment(text: str, *, required: bool) -> str:
    """A comment or a reply as stored; a ValueError says what is wrong with it."""
    text = (text or "").strip()
    if required and not text:
        raise ValueError(_("Write a comment: the delegation needs to know what to revise."))
    if len(text) > limits.COMMENT_MAX_CHARS:
        raise ValueError(
            _("A comment may be at most %(max)s characters long.")
            % {"max": limits.COMMENT_MAX_CHARS}
        )
    return text


@transaction.atomic
def review_comment_add(
    *, assessment: Assessment, text: str, user: AbstractBaseUser, answer: Answer | None = None
) -> ReviewComment:
    """Comment on the assessment or on one of its answers; the delegation sees it, and is
    told by e-mail."""
    if answer is not None and answer.assessment_id != assessment.pk:
        raise ValueError(_("This answer belongs to another assessment."))
    comment = ReviewComment.objects.create(
        assessment=assessment,
        answer=answer,
        text=clean_comment(text, required=True),
        written_by=user,
    )
    notify_comment(comment)
    return comment


@transaction.atomic
def assessment_return(
    *, assessment: Assessment, user: AbstractBaseUser, text: str, seen_submission: int
) -> StatusChange:
    """Send the submitted version the reviewer saw back to the delegation, which may then
    edit the assessment again."""
    text = clean_comment(text, required=True)
    comment = ReviewComment.objects.create(assessment=assessment, text=text, written_by=user)
    change = assessment_transition(
        assessment=assessment,
        to=AssessmentStatus.RETURNED,
        user=user,
        comment=comment,
        seen_submission=seen_submission,
    )
    notify_transition(change)
    return change


@transaction.atomic
def assessment_accept(
    *, assessment: Assessment, user: AbstractBaseUser, seen_submission: int, text: str = ""
) -> StatusChange:
    """Accept the submitted version the reviewer saw; it stays read-only for the delegation."""
    text = clean_comment(text, required=False)
    comment = (
        ReviewComment.objects.create(assessment=assessment, text=text, written_by=user)
        if text
        else None
    )
    change = assessment_transition(
        assessment=assessment,
        to=AssessmentStatus.ACCEPTED,
        user=user,
        comment=comment,
        seen_submission=seen_submission,
    )
    notify_transition(change)
    return change


def _check(comment: ReviewComment, user: AbstractBaseUser) -> None:
    refusal = delegation_refusal(user, comment.assessment)
    if refusal:
        raise PermissionDenied(refusal)


def comment_reply_add(*, comment: ReviewComment, user: AbstractBaseUser, text: str) -> CommentReply:
    """The delegation answers a secretariat comment."""
    _check(comment, user)
    text = clean_comment(text, required=False)
    if not text:
        raise ValueError(_("Write your reply before sending it."))
    return CommentReply.objects.create(comment=comment, text=text, written_by=user)


def comment_mark_addressed(*, comment: ReviewComment, user: AbstractBaseUser) -> ReviewComment:
    """Record who said the comment was dealt with, and when; the first one to say so stays."""
    _check(comment, user)
    ReviewComment.objects.filter(pk=comment.pk, addressed_at=None).update(
        addressed_at=timezone.now(), addressed_by=user
    )
    comment.refresh_from_db(fields=["addressed_at", "addressed_by"])
    return comment
