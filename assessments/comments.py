"""The delegation's side of the secretariat's comments: replies, and marking one addressed.

Only the commented State's delegation acts here (`delegation_refusal`, the rule every
delegation write follows); the secretariat reads the replies on its review page. Replying
does not edit the assessment, so it is allowed whatever the assessment's status: a
delegation may explain an answer while its submission waits for review.
"""

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from .access import delegation_refusal
from .models import CommentReply, ReviewComment
from .review import clean_comment


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
