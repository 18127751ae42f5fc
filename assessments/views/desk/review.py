"""The review page of one assessment: every answer read-only, with its history, comments
and changes; comments, return for revision and acceptance, each confirmed first."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from delegations.models import MemberState

from ... import limits
from ...forms import ReviewForm
from ...models import Assessment, EmailKind
from ...selectors.recipients import delegation_addresses, nobody_to_tell
from ...selectors.review import review_context
from ...services.lifecycle import TransitionRefused
from ...services.review import (
    assessment_accept,
    assessment_return,
    clean_comment,
    review_comment_add,
)
from . import desk_page, require_review


def review(request, assessment: Assessment):
    """The admin's change page of an assessment, replaced: the secretariat reviews, it
    never edits answers."""
    require_review(request)
    if request.method == "POST":
        form = ReviewForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            if data["action"] in ("return", "accept") and not data["confirmed"]:
                confirmation = _confirmation(request, assessment, data)
                if confirmation is not None:
                    return confirmation
            else:
                _review_action(request, assessment, data)
        else:
            for field, errors in form.errors.items():
                label = form[field].label if field in form.fields else ""
                messages.error(request, f"{label}: {' '.join(errors)}" if label else errors[0])
        return redirect(request.path)
    return desk_page(
        request,
        "admin/assessments/assessment/review.html",
        {
            **review_context(assessment, show=request.GET.get("show", "")),
            "comment_max_chars": limits.COMMENT_MAX_CHARS,
        },
        title=_("Review: %(assessment)s") % {"assessment": assessment},
    )


def _confirmation(request, assessment: Assessment, data: dict):
    """The step between the button and the transition: what happens next, and a Confirm
    button tied to the version the reviewer saw. A comment a return cannot go without is
    asked for before, not after, confirming."""
    returning = data["action"] == "return"
    try:
        text = clean_comment(data["text"], required=returning)
    except ValueError as error:
        messages.error(request, str(error))
        return None
    number = data["submission"]
    if returning:
        title = _("Return version %(number)s for revision?") % {"number": number}
        consequence = _(
            "The delegation will be able to edit the assessment again and will see your "
            "comment. It comes back to you when the delegation submits a new version."
        )
    else:
        title = _("Accept version %(number)s?") % {"number": number}
        consequence = _(
            "The assessment becomes final: the delegation can no longer change it. "
            "Version %(number)s and its PDF stay as they were submitted."
        ) % {"number": number}
    return desk_page(
        request,
        "admin/assessments/assessment/review_confirm.html",
        {
            "assessment": assessment,
            "consequence": consequence,
            "action": data["action"],
            "text": text,
            "number": number,
            "comment_max_chars": limits.COMMENT_MAX_CHARS,
            "told": who_is_told(
                assessment.member_state,
                EmailKind.RETURNED if returning else EmailKind.ACCEPTED,
            ),
        },
        title=title,
    )


def _review_action(request, assessment: Assessment, data: dict) -> None:
    text, action = data["text"], data["action"]
    try:
        if action == "comment":
            answer = (
                get_object_or_404(assessment.answers, pk=data["answer"]) if data["answer"] else None
            )
            review_comment_add(assessment=assessment, text=text, user=request.user, answer=answer)
            done, kind = _("Your comment has been added."), EmailKind.COMMENT
        elif action == "return":
            assessment_return(
                assessment=assessment,
                user=request.user,
                text=text,
                seen_submission=data["submission"],
            )
            done = _("The assessment is returned; the delegation can edit it again.")
            kind = EmailKind.RETURNED
        else:
            assessment_accept(
                assessment=assessment,
                user=request.user,
                text=text,
                seen_submission=data["submission"],
            )
            done, kind = _("The assessment is accepted."), EmailKind.ACCEPTED
    except (TransitionRefused, ValueError) as error:
        messages.error(request, str(error))
        return
    # The act stands; the message says who hears of it, or warns that nobody does.
    count, told = who_is_told(assessment.member_state, kind)
    level = messages.success if count else messages.warning
    level(request, " ".join([str(done), told]))


def who_is_told(member_state: MemberState, kind: str) -> tuple[int, str]:
    """How many members of the delegation a notice of `kind` reaches, and a sentence saying
    so, or why nobody is told (the sender's own rule)."""
    addresses = delegation_addresses([member_state.pk], kind=kind).get(member_state.pk, {})
    count = sum(len(recipients) for recipients in addresses.values())
    if count:
        return count, ngettext(
            "%(count)s member of the delegation is told by e-mail.",
            "%(count)s members of the delegation are told by e-mail.",
            count,
        ) % {"count": count}
    return 0, _("No one in the delegation of %(state)s is told by e-mail: %(reason)s.") % {
        "state": member_state,
        "reason": nobody_to_tell(kind),
    }
