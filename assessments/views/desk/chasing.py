"""The chasing desk: every Member State in a cycle, those that never started included,
and a reminder to the States chosen, sent only from a confirmation page."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from delegations.collation import sorted_by_name
from delegations.models import RegionalGroup

from ... import policy
from ...counts import StatusCounts
from ...models import AssessmentStatus, utc_today
from ...selectors.chasing import CHOICES, NOT_STARTED, ChasingFilters, chasing_states, remindable
from ...selectors.recipients import RemindersRefused, reminder_plan
from ...services.notifications import reminders_send
from . import chosen_cycle, desk_page, require_review


def chasing(request):
    require_review(request)
    cycles, cycle = chosen_cycle(request)
    filters = ChasingFilters.from_query(request.GET)
    if request.method == "POST":
        if request.POST.get("confirmed"):
            return _send_reminders(request, cycle)
        return _confirm_reminders(request, cycle, filters)
    states = sorted_by_name(chasing_states(cycle, filters))
    statuses = [*AssessmentStatus.choices, (NOT_STARTED, _("Not started"))]
    for state in states:
        state.progress = StatusCounts.of_annotated(state)
        state.status_label = dict(statuses)[state.status or NOT_STARTED]
        state.reminder_refusal = policy.reminder_refusal(state.status)
        state.may_get_extension = policy.may_get_extension(state.status, cycle_open=cycle.is_open)
    return desk_page(
        request,
        "admin/assessments/assessment/chasing.html",
        {
            "cycles": cycles,
            "cycle": cycle,
            "filters": filters,
            "states": states,
            "remindable": {choice: len(chosen) for choice, chosen in remindable(states).items()},
            "statuses": statuses,
            "regional_groups": RegionalGroup.choices,
            "may_grant": request.user.has_perm("assessments.add_extension"),
        },
        title=_("Chasing desk"),
    )


def _chosen_states(request, cycle, filters) -> list[int] | None:
    """The States the secretariat asked to remind: one of the chasing CHOICES among the
    States listed, or those ticked. None (with a message) when the request names no
    State, or something that is not one."""
    which = request.POST.get("which", "selected")
    if which in CHOICES:
        return [state.pk for state in remindable(chasing_states(cycle, filters))[which]]
    if which != "selected":
        messages.error(request, _("Choose which States to remind."))
        return None
    return _ticked_states(request)


def _ticked_states(request) -> list[int] | None:
    values = request.POST.getlist("state")
    # Not "²" either, a digit to isdigit alone.
    if not all(value.isascii() and value.isdigit() for value in values):
        messages.error(
            request,
            _("The selection could not be read. Nothing was sent: choose the States again."),
        )
        return None
    if not values:
        messages.warning(request, _("Select the States to remind first."))
        return None
    return [int(value) for value in values]


def _confirm_reminders(request, cycle, filters):
    """What a reminder to the States chosen would do, before it is sent: how many go, to
    which States and how many people, and which States are skipped and why."""
    chosen = _chosen_states(request, cycle, filters)
    if chosen is None:
        return redirect(request.get_full_path())
    if not chosen:
        messages.warning(request, _("No State listed fits this choice: nobody to remind."))
        return redirect(request.get_full_path())
    try:
        plan = reminder_plan(cycle=cycle, member_state_ids=chosen, today=utc_today())
    except RemindersRefused as refused:
        messages.error(request, str(refused))
        return redirect(request.get_full_path())
    count = len(plan.reminded)
    title = (
        ngettext(
            "Send a reminder to %(count)s State?", "Send a reminder to %(count)s States?", count
        )
        % {"count": count}
        if count
        else _("No reminder would be sent")
    )
    return desk_page(
        request,
        "admin/assessments/assessment/chasing_confirm.html",
        {"cycle": cycle, "plan": plan, "chosen": sorted(chosen), "back": request.get_full_path()},
        title=title,
    )


def _send_reminders(request, cycle):
    # The States the confirmation page showed, by name: never a choice worked out anew,
    # which could reach States the page did not show.
    chosen = _ticked_states(request)
    if chosen is None:
        return redirect(request.get_full_path())
    try:
        plan = reminders_send(cycle=cycle, member_state_ids=chosen, user=request.user)
    except RemindersRefused as refused:
        messages.error(request, str(refused))
        return redirect(request.get_full_path())
    count = len(plan.reminded)
    if count:
        messages.success(
            request,
            ngettext(
                "A reminder is on its way to %(count)s State.",
                "A reminder is on its way to %(count)s States.",
                count,
            )
            % {"count": count},
        )
    else:
        messages.warning(request, _("No reminder was sent."))
    for reason, states in plan.skipped_by_reason():
        messages.warning(
            request,
            ngettext(
                "%(count)s State not reminded (%(reason)s): %(states)s.",
                "%(count)s States not reminded (%(reason)s): %(states)s.",
                len(states),
            )
            % {"count": len(states), "reason": reason, "states": _names(states)},
        )
    return redirect(request.get_full_path())


def _names(items) -> str:
    """Names in a sentence, separated as the language separates them."""
    return pgettext("between names", ", ").join(str(item) for item in items)
