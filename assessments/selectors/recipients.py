"""Who a notice reaches, worked out before anything is sent: the one rule of who is told
(`delegation_addresses`), and the plan of a reminder from the chasing desk."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils.translation import gettext as _

from delegations.collation import sorted_by_name
from delegations.models import Member, MemberState

from .. import policy
from ..models import Assessment, Cycle, EmailKind, Extension, deadline_in_force

# The notices that only the focal points get (they are the ones who submit); every other
# notice goes to every member of the delegation.
FOCAL_POINTS_ONLY = frozenset({EmailKind.SUBMITTED})


def delegation_addresses(
    member_state_ids: Iterable[int], *, kind: str
) -> dict[int, dict[str, list[str]]]:
    """Who a notice of `kind` to each of these States would go to: the addresses by the
    language each member reads the site in; a State nobody would be told is absent.

    The one rule of who is told: the sender follows it, and so does every page that says
    beforehand who will be told (one query, whatever the number of States)."""
    members = Member.objects.filter(
        member_state_id__in=list(member_state_ids), user__is_active=True
    ).exclude(user__email="")
    if kind in FOCAL_POINTS_ONLY:
        members = members.filter(role=Member.Role.FOCAL_POINT)
    by_state: dict[int, dict[str, list[str]]] = {}
    for state_id, email, language in sorted(
        members.values_list("member_state_id", "user__email", "user__language")
    ):
        by_state.setdefault(state_id, {}).setdefault(language or settings.LANGUAGE_CODE, []).append(
            email
        )
    return by_state


def nobody_to_tell(kind: str) -> str:
    """Why a State that `delegation_addresses` leaves out would not be told, as a phrase."""
    if kind in FOCAL_POINTS_ONLY:
        return _("no focal point has an e-mail address on record")
    return _("no member of the delegation has an e-mail address on record")


def latest_extensions(cycle: Cycle) -> dict[int, date]:
    """The extension granted last to each State of a cycle, by State (`deadline_in_force`
    says whether it is in force)."""
    extended = {}
    for state_id, until in Extension.objects.filter(cycle=cycle).values_list(
        "member_state_id", "until"
    ):
        extended.setdefault(state_id, until)  # ordered latest first
    return extended


class RemindersRefused(Exception):
    """Nothing can be reminded: the cycle is closed, or the States asked for are unknown."""


@dataclass(frozen=True)
class Reminded:
    """A State a reminder goes to, and to whom."""

    member_state: MemberState
    addresses: dict[str, list[str]]  # by language, as `delegation_addresses` gives them
    deadline: date  # the one in force: the cycle's, or the extension's
    overdue: bool  # the overdue notice rather than a reminder

    @property
    def recipient_count(self) -> int:
        return sum(len(recipients) for recipients in self.addresses.values())


@dataclass(frozen=True)
class Skipped:
    """A State a notice does not go to, and why (a phrase)."""

    member_state: MemberState
    reason: str


@dataclass(frozen=True)
class ReminderPlan:
    """Who the secretariat's reminder reaches, worked out before anything is sent: the
    confirmation shows it, and the sending follows it."""

    reminded: list[Reminded]
    skipped: list[Skipped]

    def skipped_by_reason(self) -> list[tuple[str, list[MemberState]]]:
        grouped: dict[str, list[MemberState]] = {}
        for item in self.skipped:
            grouped.setdefault(item.reason, []).append(item.member_state)
        return list(grouped.items())


def reminder_plan(*, cycle: Cycle, member_state_ids: Iterable[int], today: date) -> ReminderPlan:
    """Who a reminder to these States would reach, in four queries whatever their number.

    Skipped: a State that has submitted (`policy.reminder_refusal`), and one whose delegation
    has nobody with an e-mail address (`delegation_addresses`, the sender's own rule).
    RemindersRefused when the cycle is closed or a State asked for does not exist.
    """
    if not cycle.is_open:
        raise RemindersRefused(_("This cycle is closed: there is no deadline to remind of."))
    ids = set(member_state_ids)
    states = sorted_by_name(MemberState.objects.filter(pk__in=ids))
    if len(states) != len(ids):
        raise RemindersRefused(
            _(
                "Some of the States asked for do not exist. Nothing was sent: reload the "
                "chasing desk and choose again."
            )
        )
    statuses = dict(
        Assessment.objects.filter(cycle=cycle, member_state_id__in=ids).values_list(
            "member_state_id", "status"
        )
    )
    # An overdue notice goes to the same people as a reminder.
    addresses = delegation_addresses(ids, kind=EmailKind.REMINDER)
    extended = latest_extensions(cycle)
    reminded, skipped = [], []
    for state in states:
        reason = policy.reminder_refusal(statuses.get(state.pk))
        if not reason and state.pk not in addresses:
            reason = nobody_to_tell(EmailKind.REMINDER)
        if reason:
            skipped.append(Skipped(member_state=state, reason=reason))
            continue
        deadline = deadline_in_force(cycle.deadline, extended.get(state.pk))
        reminded.append(
            Reminded(
                member_state=state,
                addresses=addresses[state.pk],
                deadline=deadline,
                overdue=deadline < today,
            )
        )
    return ReminderPlan(reminded=reminded, skipped=skipped)
