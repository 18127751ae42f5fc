"""The chasing desk: every Member State in a cycle, those that never started included."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from assessments import policy
from assessments.models import EmailRecord
from assessments.selectors.chasing import ChasingFilters, chasing_states
from assessments.services.answers import AnswerContent, answer_save
from assessments.services.extensions import extension_grant
from assessments.services.lifecycle import assessment_start, assessment_submit
from delegations.models import Member, MemberState, RegionalGroup
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
    norway_assessment, kenya_assessment, focal_point_norway, first_answer, chile, cycle
):
    answer_save(
        answer=first_answer,
        content=AnswerContent(status="implemented", evidence="", links=[]),
        base_version=0,
        user=focal_point_norway,
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
        assert rows(cycle, now=now)["NOR"].overdue == bool(
            policy.deadline_refusal(norway_assessment)
        )


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
            Member.objects.create(user=user, member_state=state, role=Member.Role.FOCAL_POINT)

    client.force_login(secretariat)
    add_states(3)
    client.get(CHASING)  # sessions and content types are cached after this
    with django_assert_num_queries(8) as few:
        assert len(client.get(CHASING).context["states"]) == 3
    add_states(7)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(client.get(CHASING).context["states"]) == 10


def test_only_the_secretariat_opens_the_chasing_desk(
    client, django_user_model, focal_point_norway, cycle
):
    client.force_login(focal_point_norway)
    assert client.get(CHASING).status_code == 302  # the admin's sign-in

    staff = django_user_model.objects.create_user("helpdesk", is_staff=True)
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    client.force_login(staff)
    assert client.get(CHASING).status_code == 403

    staff.groups.add(Group.objects.get(name="Secretariat"))
    assert client.get(CHASING).status_code == 200


# Reminders: chosen on the desk, confirmed on a page of their own, then sent.


@pytest.fixture
def reachable(focal_point_norway, focal_point_kenya):
    """Norway's and Kenya's focal points have e-mail addresses; Chile has no delegation."""
    for user, email in [
        (focal_point_norway, "nora@mfa.example"),
        (focal_point_kenya, "w@mfa.example"),
    ]:
        user.email = email
        user.save()


@pytest.fixture
def after_the_deadline(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: AFTER_THE_DEADLINE)


def confirmation(client, cycle, query="", **data):
    return client.post(f"{CHASING}?cycle={cycle.code}{query}", data)


def test_the_desk_offers_each_way_of_choosing_above_and_below_the_list(
    client, secretariat, cycle, norway_assessment, kenya_assessment, chile, monkeypatch
):
    assessment_submit(assessment=kenya_assessment, submitted_by=kenya_assessment.created_by)
    monkeypatch.setattr(timezone, "now", lambda: AFTER_THE_DEADLINE)
    client.force_login(secretariat)

    html = client.get(CHASING).content.decode()

    for label in [
        "The States ticked in the list",
        "All 2 overdue States listed",
        "The 1 State listed that has not started",
        "All 2 States listed that have not submitted",
    ]:
        assert html.count(label) == 2, label  # above and below the list
    assert 'aria-labelledby="chasing-actions-top"' in html
    assert 'aria-labelledby="chasing-actions-bottom"' in html
    # Kenya submitted: a reminder does not apply, so there is nothing to tick.
    assert f'value="{kenya_assessment.member_state.pk}"' not in html
    assert (
        f'name="state" value="{chile.pk}" id="remind-{chile.pk}" data-overdue data-not-started'
        in html
    )
    # The ticking shortcuts need the script, which reveals them.
    assert (
        '<div class="chasing-select" role="group" aria-labelledby="chasing-select-label" hidden>'
        in html
    )
    assert "js/admin_chasing.js" in html


def test_choosing_shows_what_will_be_sent_and_what_is_skipped_before_anything_is_sent(
    client, secretariat, cycle, norway_assessment, kenya_assessment, chile, reachable
):
    assessment_submit(assessment=kenya_assessment, submitted_by=kenya_assessment.created_by)
    client.force_login(secretariat)

    page = confirmation(
        client,
        cycle,
        state=[norway_assessment.member_state.pk, kenya_assessment.member_state.pk, chile.pk],
    )

    assert page.status_code == 200
    assert page.context["title"] == "Send a reminder to 1 State?"
    plan = page.context["plan"]
    assert [(item.member_state.name, item.recipient_count) for item in plan.reminded] == [
        ("Norway", 1)
    ]
    assert plan.skipped_by_reason() == [
        ("no member of the delegation has an e-mail address on record", [chile]),
        ("already submitted", [kenya_assessment.member_state]),
    ]
    html = page.content.decode()
    assert "Send 1 reminder" in html
    assert "2 States skipped: no reminder goes to them" in html
    assert 'name="confirmed" value="1"' in html and "csrfmiddlewaretoken" in html
    assert not EmailRecord.objects.filter(kind__in=["reminder", "overdue"]).exists()
    assert mail.outbox == []


def test_without_javascript_all_overdue_are_chosen_on_the_server_among_the_states_listed(
    client, secretariat, cycle, norway_assessment, kenya_assessment, chile, after_the_deadline
):
    client.force_login(secretariat)

    everywhere = confirmation(client, cycle, which="overdue")
    african = confirmation(client, cycle, query="&group=african", which="overdue")
    not_started = confirmation(client, cycle, which="not_started")

    def chosen(page):
        return [state.iso3 for state in MemberState.objects.filter(pk__in=page.context["chosen"])]

    assert sorted(chosen(everywhere)) == ["CHL", "KEN", "NOR"]
    assert chosen(african) == ["KEN"]
    assert chosen(not_started) == ["CHL"]
    # Ticked boxes do not count when a whole group is chosen.
    ticked = confirmation(
        client, cycle, which="not_started", state=[norway_assessment.member_state.pk]
    )
    assert chosen(ticked) == ["CHL"]


def test_the_send_button_of_the_confirmation_sends_once_even_clicked_twice(
    client,
    secretariat,
    cycle,
    norway_assessment,
    chile,
    reachable,
    django_capture_on_commit_callbacks,
):
    client.force_login(secretariat)
    page = confirmation(client, cycle, state=[norway_assessment.member_state.pk, chile.pk])
    data = {"confirmed": "1", "state": page.context["chosen"]}

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"{CHASING}?cycle={cycle.code}", data, follow=True)
        client.post(f"{CHASING}?cycle={cycle.code}", data)

    messages = [(m.level_tag, m.message) for m in sent.context["messages"]]
    assert messages == [
        ("success", "A reminder is on its way to 1 State."),
        (
            "warning",
            "1 State not reminded (no member of the delegation has an e-mail address on "
            "record): Chile.",
        ),
    ]
    assert sent.redirect_chain[-1][0] == f"{CHASING}?cycle={cycle.code}"
    assert [message.to for message in mail.outbox] == [["nora@mfa.example"]]


def test_a_choice_that_reaches_nobody_says_so_and_offers_nothing_to_send(
    client, secretariat, cycle, chile
):
    client.force_login(secretariat)
    page = confirmation(client, cycle, state=[chile.pk])
    html = page.content.decode()
    assert page.context["title"] == "No reminder would be sent"
    assert "None of the States chosen would be reminded: nothing can be sent." in html
    assert 'name="confirmed"' not in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"state": ["1", "x"]}, "The selection could not be read."),
        ({"state": ["²"]}, "The selection could not be read."),
        ({"state": ["999999"]}, "Some of the States asked for do not exist."),
        ({"state": ["999999"], "confirmed": "1"}, "Some of the States asked for do not exist."),
        ({"which": "everyone"}, "Choose which States to remind."),
        # Sending takes the States the confirmation named, never a choice made anew.
        ({"which": "listed", "confirmed": "1"}, "Select the States to remind first."),
        ({}, "Select the States to remind first."),
    ],
)
def test_a_forged_or_empty_choice_gets_a_clear_message_and_sends_nothing(
    client, secretariat, cycle, norway_assessment, reachable, data, message
):
    client.force_login(secretariat)
    page = client.post(f"{CHASING}?cycle={cycle.code}", data, follow=True)
    assert page.redirect_chain  # back on the desk, not on a confirmation
    assert message in page.content.decode()
    assert not EmailRecord.objects.exists()
    assert mail.outbox == []


def test_a_closed_cycle_offers_no_reminder(client, secretariat, cycle, norway_assessment):
    cycle.is_open = False
    cycle.save()
    client.force_login(secretariat)
    html = client.get(CHASING).content.decode()
    assert "This cycle is closed" in html
    assert 'name="state"' not in html and 'name="which"' not in html
    page = client.post(CHASING, {"state": [norway_assessment.member_state.pk]}, follow=True)
    assert "This cycle is closed: there is no deadline to remind of." in page.content.decode()


def test_the_confirmation_runs_a_constant_number_of_queries(
    client, secretariat, cycle, django_user_model, django_assert_num_queries
):
    def add_states(count):
        for index in range(MemberState.objects.count(), MemberState.objects.count() + count):
            state = MemberState.objects.create(
                name=f"State {index}",
                iso3="Q"
                + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[index // 26]
                + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[index % 26],
                regional_group=RegionalGroup.ASIA_PACIFIC,
            )
            if index % 2:
                assessment_start(member_state=state, cycle=cycle, started_by=secretariat)
            user = django_user_model.objects.create_user(
                f"focal{index}", email=f"f{index}@x.example"
            )
            Member.objects.create(user=user, member_state=state, role=Member.Role.FOCAL_POINT)

    client.force_login(secretariat)
    add_states(3)
    confirmation(client, cycle, which="listed")  # sessions and content types are cached after this
    # 5 for the session, the user and their permissions; the cycles; 2 for the States
    # listed; 4 for the plan (States, assessments, addresses, extensions).
    with django_assert_num_queries(12) as few:
        assert len(confirmation(client, cycle, which="listed").context["plan"].reminded) == 3
    add_states(7)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(confirmation(client, cycle, which="listed").context["plan"].reminded) == 10


def test_only_the_secretariat_chooses_and_sends_reminders(
    client, django_user_model, focal_point_norway, cycle, norway_assessment
):
    data = {"state": [norway_assessment.member_state.pk], "confirmed": "1"}
    client.force_login(focal_point_norway)
    assert client.post(CHASING, data).status_code == 302  # the admin's sign-in

    staff = django_user_model.objects.create_user("helpdesk", is_staff=True)
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    client.force_login(staff)
    assert client.post(CHASING, data).status_code == 403
    assert client.post(CHASING, {"which": "listed"}).status_code == 403
    assert not EmailRecord.objects.exists()
