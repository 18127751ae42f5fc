from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access import get_own_comment
from ..forms import CommentReplyForm
from ..services.review import comment_mark_addressed, comment_reply_add


def _back_to(comment):
    url = reverse("assessments:assessment_detail", args=[comment.assessment_id])
    return redirect(f"{url}#comment-{comment.pk}")


@require_POST
def comment_reply(request, pk: int, comment_pk: int):
    """The delegation replies to a secretariat comment, from its assessment's overview."""
    comment = get_own_comment(request, pk, comment_pk)
    form = CommentReplyForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("text", []):
            messages.error(request, error)
        return _back_to(comment)
    try:
        comment_reply_add(comment=comment, user=request.user, text=form.cleaned_data["text"])
    except (PermissionDenied, ValueError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your reply has been sent to the secretariat."))
    return _back_to(comment)


@require_POST
def comment_addressed(request, pk: int, comment_pk: int):
    """The delegation tells the secretariat a comment has been dealt with."""
    comment = get_own_comment(request, pk, comment_pk)
    comment_mark_addressed(comment=comment, user=request.user)
    messages.success(request, _("The comment is marked as addressed."))
    return _back_to(comment)
