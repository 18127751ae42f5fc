"""The deadline in force for a State adds up, whatever the order in which the secretariat
moves the cycle's deadline and grants extensions: it is the later of the cycle's deadline
and the extension granted last, and every place that decides on it agrees (the submit,
the chasing desk and its overdue filter, the reminders, the country report's cover).

Found from outside: an extension to day -1, then the cycle postponed to day +30, left the
State refused at submit, shown overdue and sent an overdue notice while every other State
had a month left."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments import policy
from assessments.models import Assessment, Extension, deadline_in_force
from assessments.selectors.chasing import chasing_states
from assessments.selectors.recipients import reminder_plan
from assessments.services.extensions import extension_grant
from assessments.services.notifications import reminder_occasion

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 7, 12, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()

# A sequence of the secretariat's moves: the cycle's deadline set to today + n days, or an
# extension granted to the cycle's deadline (as it stands then) + n days.
moves = st.lists(
    st.one_of(
        st.tuples(st.just("cycle"), st.integers(min_value=-15, max_value=40)),
        st.tuples(st.just("extend"), st.integers(min_value=0, max_value=20)),
    ),
    min_size=1,
    max_size=8,
)


def expected_deadline(cycle, state) -> datetime.date:
    latest = Extension.objects.filter(cycle=cycle, member_state=state).first()
    return max(cycle.deadline, latest.until) if latest else cycle.deadline


def check_everywhere(cycle, state, focal_point):
    deadline = expected_deadline(cycle, state)
    assessment = Assessment.objects.select_related("cycle").get(cycle=cycle, member_state=state)
    assert assessment.submission_deadline == deadline
    refused = policy.deadline_refusal(assessment, NOW)
    assert bool(refused) == (deadline < TODAY)
    row = chasing_states(cycle, now=NOW).get(pk=state.pk)
    assert row.submission_deadline == deadline
    assert row.overdue == (deadline < TODAY)
    assert row.extension_in_force == (deadline > cycle.deadline)
    (reminded,) = reminder_plan(cycle=cycle, member_state_ids=[state.pk], today=TODAY).reminded
    assert reminded.deadline == deadline
    assert reminded.overdue == (deadline < TODAY)
    occasion = reminder_occasion(deadline=deadline, today=TODAY)
    assert (occasion or "").endswith("-overdue") == (deadline < TODAY)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(moves=moves)
def test_the_deadline_in_force_adds_up_everywhere(
    moves, cycle, norway_assessment, focal_point_norway, secretariat
):
    focal_point_norway.email = "nora@mfa.example"
    focal_point_norway.save()
    state = norway_assessment.member_state
    cycle.refresh_from_db()  # each example starts from the stored cycle
    with transaction.atomic():
        for move, days in moves:
            if move == "cycle":
                cycle.deadline = TODAY + datetime.timedelta(days=days)
                cycle.save()
            else:
                extension_grant(
                    member_state=state,
                    cycle=cycle,
                    until=cycle.deadline + datetime.timedelta(days=days),
                    reason="More time",
                    granted_by=secretariat,
                )
            check_everywhere(cycle, state, focal_point_norway)
        transaction.set_rollback(True)


def test_an_extension_overtaken_by_a_postponed_cycle_has_no_effect(
    client, cycle, norway_assessment, secretariat
):
    state = norway_assessment.member_state
    cycle.deadline = TODAY + datetime.timedelta(days=-5)
    cycle.save()
    extension_grant(
        member_state=state,
        cycle=cycle,
        until=TODAY - datetime.timedelta(days=1),
        reason="Two more days",
        granted_by=secretariat,
    )
    cycle.deadline = TODAY + datetime.timedelta(days=30)
    cycle.save()

    assessment = Assessment.objects.get(pk=norway_assessment.pk)
    assert assessment.submission_deadline == cycle.deadline
    assert assessment.extension_in_force is None
    assert policy.deadline_refusal(assessment, NOW) == ""
    row = chasing_states(cycle, now=NOW).get(pk=state.pk)
    assert (row.overdue, row.extension_in_force) == (False, False)
    # The desk shows the grant as having no effect, not as the State's deadline.
    client.force_login(secretariat)
    desk = client.get(reverse("admin:assessments_chasing")).content.decode()
    assert "no effect, the cycle's deadline is later" in desk


def test_an_extension_ending_before_the_cycles_deadline_is_refused(cycle, norway, secretariat):
    with pytest.raises(ValidationError):
        extension_grant(
            member_state=norway,
            cycle=cycle,
            until=cycle.deadline - datetime.timedelta(days=1),
            reason="Less time",
            granted_by=secretariat,
        )
    assert not Extension.objects.exists()


def test_the_rule_itself():
    day = datetime.date(2026, 6, 25)
    later, earlier = day + datetime.timedelta(days=3), day - datetime.timedelta(days=3)
    assert deadline_in_force(day, None) == day
    assert deadline_in_force(day, later) == later
    assert deadline_in_force(day, earlier) == day
