"""The data of a local demo: accounts with e-mail addresses and a cycle that is open today.

The reference cycle (the 2025 debate, `fixtures/cycles.json`) closed long ago; a newcomer
walking the product needs a deadline ahead of them, so the demo cycle's is set relative
to the day it is made, and moved ahead again when a later run finds it passed.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import CommandError
from django.db import transaction

from assessments.models import Cycle, utc_today
from catalogue.models import Report
from delegations.models import Member, MemberState

DEMO_PASSWORD = "r2p-demo-2025"  # noqa: S105 (documented local demo password)
DEMO_STATE_ISO3 = "NOR"
DEMO_ACCOUNTS = [
    # username, first name, last name, e-mail, delegation role (None: secretariat)
    ("secretariat", "Sam", "Secretariat", "sam.secretariat@example.org", None),
    ("norway.focal", "Nora", "Focal Point", "nora.focal@example.org", Member.Role.FOCAL_POINT),
    ("norway.editor", "Erik", "Editor", "erik.editor@example.org", Member.Role.EDITOR),
]
DEMO_CYCLE_CODE = "demo"
DEMO_CYCLE_NAME = "Demonstration cycle (practice round)"
DEMO_CYCLE_WEEKS = 8
# The reports the demo cycle covers: those of the reference cycle.
REFERENCE_CYCLE_CODE = "2025"


@dataclass(frozen=True)
class DemoResult:
    cycle: Cycle
    cycle_created: bool
    deadline_moved: bool
    usernames: list[str]


@transaction.atomic
def demo_load(*, today: date | None = None) -> DemoResult:
    """Create or refresh the demo accounts and the demo cycle; run again, it changes only
    what has gone stale (a blank e-mail address, a passed deadline)."""
    today = today or utc_today()
    try:
        state = MemberState.objects.get(iso3=DEMO_STATE_ISO3)
    except MemberState.DoesNotExist:
        raise CommandError("Load the reference data first: manage.py load_reference_data") from None
    for username, first_name, last_name, email, role in DEMO_ACCOUNTS:
        _account(username, first_name, last_name, email, role, state)
    cycle, created, moved = _cycle(today)
    return DemoResult(
        cycle=cycle,
        cycle_created=created,
        deadline_moved=moved,
        usernames=[username for username, *_rest in DEMO_ACCOUNTS],
    )


def _account(username, first_name, last_name, email, role, state) -> None:
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={"first_name": first_name, "last_name": last_name, "email": email},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
    elif not user.email:  # made by an earlier version of the demo, without an address
        user.email = email
    if role is None:
        user.is_staff = True
        user.save()
        user.groups.add(Group.objects.get(name="Secretariat"))
    else:
        user.save()
        Member.objects.update_or_create(user=user, defaults={"member_state": state, "role": role})


def _cycle(today: date) -> tuple[Cycle, bool, bool]:
    deadline = today + timedelta(weeks=DEMO_CYCLE_WEEKS)
    cycle = Cycle.objects.filter(code=DEMO_CYCLE_CODE).first()
    if cycle is not None:
        if cycle.deadline >= today:
            return cycle, False, False
        cycle.deadline = deadline
        cycle.save(update_fields=["deadline"])
        return cycle, False, True
    reference = Cycle.objects.filter(code=REFERENCE_CYCLE_CODE).first()
    reports = reference.reports.all() if reference else Report.objects.all()
    if not reports.exists():
        raise CommandError("Load the reference data first: manage.py load_reference_data")
    cycle = Cycle.objects.create(
        code=DEMO_CYCLE_CODE, name=DEMO_CYCLE_NAME, deadline=deadline, is_open=True
    )
    cycle.reports.set(reports)
    return cycle, True, False
