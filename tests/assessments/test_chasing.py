"""The chasing desk: every Member State in a cycle, those that never started included."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from assessments.chasing import ChasingFilters, chasing_states
from assessments.extensions import extension_grant
from assessments.models import DelegationMember, DelegationRole, MemberState, RegionalGroup
from assessments.services import AnswerContent, answer_save, assessment_start, assessment_submit
from tests.assessments.conftest import DEADLINE

pytestmark = pytest.mark.django_db

CHASING = reverse("admin:assessments_chasing")
AFTER_THE_DEADLINE = datetime.datetime.combine(
    DEADLINE + datetime.timedelta(days=1), datetime.time(8), tzinfo=datetime.UTC
)


@pytest.fixture
def chile(db):
    """A State that never started and has no focal point on record."""
    return MemberState.objects.create(
        name="Chile", iso3="CHL", regional_group=RegionalGroup.LATIN_AMERICAN_CARIBBEAN
    )


def rows(cycle, now=None, **filters):
    return {state.iso3: state for state in chasing_states(cycle, ChasingFilters(**filters), now)}


def test_every_state_is_listed_with_its_assessment_or_as_not_started(
    norway_assessment, kenya_assessment, delegate_norway, first_answer, chile, cycle
):
    answer_save(
        answer=first_answer,
        content=AnswerContent(status="implemented", evidence="", links=[]),
        base_version=0,
        user=delegate_norway,
    )
    assessment_submit(assessment=kenya_assessment, submitted_by=kenya_assessment.created_by)

    listed = rows(cycle)

    assert set(listed) == {"NOR", "KEN", "CHL"}
    assert (listed["NOR"].status, listed["NOR"].implemented, listed["NOR"].not_answered) == (
        "draft",
        1,
        4,
    )
    assert listed["KEN"].status == "submitted"
    assert (listed["CHL"].assessment_id, listed["CHL"].status) == (None, None)
    assert [member.user.username for member in listed["NOR"].focal_points] == ["nora"]
    assert (listed["NOR"].focal_point_count, listed["CHL"].focal_point_count) == (1, 0)


def test_overdue_means_not_submitted_after_the_deadline_or_the_extension_in_force(
    norway_assessment, kenya_assessment, chile, cycle, secretariat
):
    assessment_submit(assessment=kenya_assessment, submitted_by=kenya_assessment.created_by)
    assert not any(state.overdue for state in rows(cycle).values())

    listed = rows(cycle, now=AFTER_THE_DEADLINE)
    assert {iso3 for iso3, state in listed.items() if state.overdue} == {"NOR", "CHL"}

    extension_grant(
        member_state=chile,
        cycle=cycle,
        until=DEADLINE + datetime.timedelta(days=1),
        reason="Translation.",
        granted_by=secretariat,
    )
    listed = rows(cycle, now=AFTER_THE_DEADLINE)
    assert {iso3 for iso3, state in listed.items() if state.overdue} == {"NOR"}
    assert listed["CHL"].extended_until == DEADLINE + datetime.timedelta(days=1)


def test_the_overdue_flag_is_the_rule_that_refuses_submitting(
    monkeypatch, norway_assessment, cycle
):
    for now in [AFTER_THE_DEADLINE - datetime.timedelta(days=2), AFTER_THE_DEADLINE]:
        monkeypatch.setattr(timezone, "now", lambda now=now: now)
        assert rows(cycle, now=now)["NOR"].overdue == bool(norway_assessment.deadline_refusal())


def test_the_desk_filters_by_status_group_overdue_and_focal_point(
    norway_assessment, kenya_assessment, chile, cycle
):
    assert set(rows(cycle, status="not_started")) == {"CHL"}
    assert set(rows(cycle, status="draft")) == {"NOR", "KEN"}
    assert set(rows(cycle, regional_group="african")) == {"KEN"}
    assert set(rows(cycle, focal_point="no")) == {"CHL"}
    assert set(rows(cycle, focal_point="yes")) == {"NOR", "KEN"}
    assert set(rows(cycle, overdue="yes")) == set()
    assert set(rows(cycle, now=AFTER_THE_DEADLINE, overdue="yes")) == {"NOR", "KEN", "CHL"}


def test_unknown_filter_values_narrow_nothing():
    query = {"status": "x", "group": "y", "overdue": "maybe", "focal_point": "1"}
    assert ChasingFilters.from_query(query) == ChasingFilters()


def test_the_page_shows_each_state_its_status_and_the_way_to_grant_an_extension(
    client, secretariat, norway_assessment, chile, cycle
):
    client.force_login(secretariat)

    page = client.get(CHASING, {"cycle": cycle.code})

    html = page.content.decode()
    assert page.status_code == 200
    assert "2 Member States, 2025 debate" in html
    assert "Chile" in html and "Not started" in html and "None on record" in html
    assert reverse("admin:assessments_assessment_change", args=[norway_assessment.pk]) in html
    grant = reverse("admin:assessments_extension_add")
    assert f"{grant}?member_state={chile.pk}&amp;cycle={cycle.pk}" in html
    assert "25 June 2099, 23:59 UTC" in html


def test_the_page_filters_from_its_form(client, secretariat, norway_assessment, chile, cycle):
    client.force_login(secretariat)
    page = client.get(CHASING, {"status": "not_started"})
    assert [state.iso3 for state in page.context["states"]] == ["CHL"]


def test_the_admin_index_links_to_the_chasing_desk(client, secretariat, cycle):
    client.force_login(secretariat)
    assert CHASING in client.get(reverse("admin:index")).content.decode()


def test_the_page_runs_a_constant_number_of_queries(
    client, secretariat, cycle, django_user_model, django_assert_num_queries
):
    def add_states(count):
        for index in range(MemberState.objects.count(), MemberState.objects.count() + count):
            state = MemberState.objects.create(
                name=f"State {index}",
                iso3="Z"
                + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[index // 26]
                + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[index % 26],
                regional_group=RegionalGroup.ASIA_PACIFIC,
            )
            if index % 2:
                assessment_start(member_state=state, cycle=cycle, started_by=secretariat)
            user = django_user_model.objects.create_user(f"focal{index}")
            DelegationMember.objects.create(
                user=user, member_state=state, role=DelegationRole.FOCAL_POINT
            )

    client.force_login(secretariat)
    add_states(3)
    client.get(CHASING)  # sessions and content types are cached after this
    with django_assert_num_queries(8) as few:
        assert len(client.get(CHASING).context["states"]) == 3
    add_states(7)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(client.get(CHASING).context["states"]) == 10


def test_only_the_secretariat_opens_the_chasing_desk(
    client, django_user_model, delegate_norway, cycle
):
    client.force_login(delegate_norway)
    assert client.get(CHASING).status_code == 302  # the admin's sign-in

    staff = django_user_model.objects.create_user("helpdesk", is_staff=True)
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    client.force_login(staff)
    assert client.get(CHASING).status_code == 403

    staff.groups.add(Group.objects.get(name="Secretariat"))
    assert client.get(CHASING).status_code == 200
