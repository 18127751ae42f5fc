"""The local demo is alive on the day it is run: an open cycle ahead of today, accounts
with addresses, and a focal point who sets up two-factor sign-in like any other."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts.views import ENROL_KEY
from assessments.models import AssessmentStatus, Cycle, utc_today
from assessments.services.answers import AnswerContent, answer_save
from assessments.services.lifecycle import assessment_start, assessment_submit
from devtools.demo import DEMO_CYCLE_CODE, DEMO_PASSWORD, REFERENCE_CYCLE_CODE, demo_load
from tests.accounts.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference_data():
    call_command("load_reference_data", stdout=io.StringIO())


def test_loading_the_reference_data_never_creates_the_demo_cycle(reference_data):
    assert list(Cycle.objects.values_list("code", flat=True)) == [REFERENCE_CYCLE_CODE]


def test_the_demo_cycle_is_open_eight_weeks_ahead_with_the_reports_of_the_debate(
    reference_data,
):
    call_command("load_demo", stdout=io.StringIO())

    demo = Cycle.objects.get(code=DEMO_CYCLE_CODE)
    reference = Cycle.objects.get(code=REFERENCE_CYCLE_CODE)
    assert demo.is_open
    assert demo.deadline == utc_today() + datetime.timedelta(weeks=8)
    assert set(demo.reports.all()) == set(reference.reports.all())
    assert reference.reports.count() == 16
    # The debate's cycle stays as it was: the mission's record.
    assert reference.deadline == datetime.date(2025, 6, 25)


def test_running_the_demo_again_keeps_its_deadline_until_it_has_passed(reference_data):
    made = datetime.date(2026, 1, 5)
    demo_load(today=made)
    assert demo_load(today=made + datetime.timedelta(weeks=8)).deadline_moved is False

    later = made + datetime.timedelta(weeks=8, days=1)
    result = demo_load(today=later)

    assert result.deadline_moved is True
    assert Cycle.objects.get(code=DEMO_CYCLE_CODE).deadline == later + datetime.timedelta(weeks=8)
    assert Cycle.objects.filter(code=DEMO_CYCLE_CODE).count() == 1


def test_every_demo_account_has_an_e_mail_address(reference_data, django_user_model):
    demo_load()
    users = django_user_model.objects.filter(
        username__in=["secretariat", "norway.focal", "norway.editor"]
    )
    assert len(users) == 3
    assert all(user.email.endswith("@example.org") for user in users)


def test_the_demo_focal_point_sets_up_two_factor_sign_in_first(reference_data, client):
    demo_load()
    sign_in(client, "norway.focal", DEMO_PASSWORD)

    response = client.get(reverse("assessments:home"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:two_factor_enrol"))
    client.get(response.url)
    assert client.session[ENROL_KEY]


def test_the_demo_focal_point_submits_without_an_extension_and_every_notice_has_an_address(
    reference_data, django_user_model, settings, django_capture_on_commit_callbacks
):
    settings.SECRETARIAT_EMAIL = "r2p-secretariat@example.org"
    demo = demo_load().cycle
    nora = django_user_model.objects.get(username="norway.focal")
    assessment = assessment_start(
        member_state=nora.delegation_member.member_state, cycle=demo, started_by=nora
    )
    answer = assessment.answers.first()
    answer_save(
        answer=answer,
        content=AnswerContent(
            status="implemented",
            evidence="Law 12/2021 on the prevention of atrocity crimes.",
            links=[],
        ),
        base_version=answer.version,
        user=nora,
    )

    with django_capture_on_commit_callbacks(execute=True):
        assessment_submit(assessment=assessment, submitted_by=nora)

    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED
    (received,) = mail.outbox
    assert received.to == ["nora.focal@example.org"]
    assert received.cc == ["r2p-secretariat@example.org"]
