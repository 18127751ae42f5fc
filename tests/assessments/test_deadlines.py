"""Deadlines that mean something: the end of the deadline day in UTC closes submitting,
unless the secretariat grants an extension; a closed cycle refuses everything."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from assessments.access import submit_refusal
from assessments.models import AssessmentStatus, Extension
from assessments.services.answers import AnswerContent, answer_save
from assessments.services.extensions import extension_grant
from assessments.services.lifecycle import assessment_submit
from assessments.services.review import assessment_accept, assessment_return
from tests.assessments.conftest import DEADLINE

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
LAST_MINUTE = datetime.datetime.combine(DEADLINE, datetime.time(23, 59, 59), tzinfo=UTC)
TOO_LATE = LAST_MINUTE + datetime.timedelta(seconds=1)


@pytest.fixture
def clock(monkeypatch):
    """Sets what `timezone.now()` answers; no test sleeps."""

    def at(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return at


def grant(assessment, secretariat, until, reason="Elections in May."):
    return extension_grant(
        member_state=assessment.member_state,
        cycle=assessment.cycle,
        until=until,
        reason=reason,
        granted_by=secretariat,
    )


def submit_page(assessment):
    return reverse("assessments:assessment_submit", args=[assessment.pk])


def test_the_focal_point_submits_until_the_last_second_of_the_deadline_day_utc(
    clock, norway_assessment, focal_point_norway
):
    clock(LAST_MINUTE)

    assert submit_refusal(focal_point_norway, norway_assessment) == ""
    assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)

    norway_assessment.refresh_from_db()
    assert norway_assessment.status == AssessmentStatus.SUBMITTED


def test_after_the_deadline_the_service_refuses_to_submit_naming_the_deadline(
    clock, norway_assessment, focal_point_norway
):
    clock(TOO_LATE)

    with pytest.raises(PermissionDenied, match="passed on 25 June 2099, 23:59 UTC"):
        assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)

    norway_assessment.refresh_from_db()
    assert norway_assessment.status == AssessmentStatus.DRAFT
    assert not norway_assessment.submissions.exists()


def test_after_the_deadline_the_submit_page_explains_and_a_post_is_refused(
    clock, client, norway_assessment, focal_point_norway
):
    clock(TOO_LATE)
    client.force_login(focal_point_norway)

    page = client.get(submit_page(norway_assessment))
    html = page.content.decode()
    assert "The deadline for submitting passed on 25 June 2099, 23:59 UTC." in html
    assert "ask the secretariat for an extension" in html
    assert "Submit the assessment" not in html

    response = client.post(submit_page(norway_assessment), {"confirm": "on"}, follow=True)
    assert "The deadline for submitting passed" in response.content.decode()
    norway_assessment.refresh_from_db()
    assert norway_assessment.status == AssessmentStatus.DRAFT


def test_after_the_deadline_answers_can_still_be_saved(clock, first_answer, focal_point_norway):
    clock(TOO_LATE)

    saved = answer_save(
        answer=first_answer,
        content=AnswerContent(status="implemented", evidence="Late but true.", links=[]),
        base_version=0,
        user=focal_point_norway,
    )

    assert saved.version == 1


def test_an_extension_opens_submitting_until_the_end_of_its_day(
    clock, norway_assessment, focal_point_norway, secretariat
):
    grant(norway_assessment, secretariat, DEADLINE + datetime.timedelta(days=10))
    clock(TOO_LATE + datetime.timedelta(days=10))
    assert "passed on 5 July 2099, 23:59 UTC" in submit_refusal(
        focal_point_norway, norway_assessment
    )

    clock(LAST_MINUTE + datetime.timedelta(days=10))
    assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)

    norway_assessment.refresh_from_db()
    assert norway_assessment.status == AssessmentStatus.SUBMITTED


def test_the_latest_extension_granted_is_in_force(
    clock, norway_assessment, focal_point_norway, secretariat
):
    clock(TOO_LATE + datetime.timedelta(days=5))
    grant(norway_assessment, secretariat, DEADLINE + datetime.timedelta(days=10))
    grant(norway_assessment, secretariat, DEADLINE + datetime.timedelta(days=3), "Shortened.")

    assert norway_assessment.extension.reason == "Shortened."
    assert "passed on 28 June 2099" in submit_refusal(focal_point_norway, norway_assessment)


def test_an_extension_shortened_while_the_submit_page_was_open_is_the_one_applied(
    clock, norway_assessment, focal_point_norway, secretariat
):
    clock(TOO_LATE + datetime.timedelta(days=5))
    grant(norway_assessment, secretariat, DEADLINE + datetime.timedelta(days=10))
    assert submit_refusal(focal_point_norway, norway_assessment) == ""  # the page said yes
    # The focal point's request has read the ten-day extension; the secretariat then
    # replaces it by a three-day one, already over.
    assert norway_assessment.extension.until == DEADLINE + datetime.timedelta(days=10)
    grant(norway_assessment, secretariat, DEADLINE + datetime.timedelta(days=3), "Shortened.")

    with pytest.raises(PermissionDenied, match="passed on 28 June 2099"):
        assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)

    norway_assessment.refresh_from_db()
    assert norway_assessment.status == AssessmentStatus.DRAFT
    assert not norway_assessment.submissions.exists()


def test_an_extension_never_ends_before_the_cycles_deadline(norway_assessment, secretariat):
    with pytest.raises(ValidationError, match="cannot end before the cycle's deadline"):
        grant(norway_assessment, secretariat, DEADLINE - datetime.timedelta(days=1))
    assert not Extension.objects.exists()


def test_an_extension_for_another_state_changes_nothing_for_this_one(
    clock, norway_assessment, kenya_assessment, focal_point_norway, secretariat
):
    grant(kenya_assessment, secretariat, DEADLINE + datetime.timedelta(days=10))
    clock(TOO_LATE)

    assert "passed on 25 June 2099" in submit_refusal(focal_point_norway, norway_assessment)


def test_a_returned_assessment_may_be_submitted_again_after_the_deadline(
    clock, norway_assessment, focal_point_norway, secretariat
):
    """The secretariat asked for the revision: the deadline closed only the first submission."""
    assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)
    assessment_return(
        assessment=norway_assessment, user=secretariat, seen_submission=1, text="Add 2014."
    )
    clock(TOO_LATE)
    norway_assessment.refresh_from_db()

    assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)

    assert norway_assessment.submissions.count() == 2


def test_a_closed_cycle_refuses_saving_and_submitting(
    norway_assessment, first_answer, focal_point_norway
):
    norway_assessment.cycle.is_open = False
    norway_assessment.cycle.save()
    norway_assessment.refresh_from_db()

    with pytest.raises(PermissionDenied, match=r"This reporting cycle is closed\."):
        answer_save(
            answer=first_answer,
            content=AnswerContent(status="implemented", evidence="", links=[]),
            base_version=0,
            user=focal_point_norway,
        )
    with pytest.raises(PermissionDenied, match=r"This reporting cycle is closed\."):
        assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)


def test_the_overview_shows_the_deadline_in_utc_and_the_time_left(
    clock, client, norway_assessment, focal_point_norway
):
    clock(LAST_MINUTE - datetime.timedelta(days=3, hours=4))
    client.force_login(focal_point_norway)

    html = client.get(norway_assessment.get_absolute_url()).content.decode()

    assert "25 June 2099, 23:59 UTC" in html
    assert "(3\xa0days, 4\xa0hours left)" in html
    assert "The deadline for submitting passed" not in html


def test_the_overview_shows_an_overdue_banner_after_the_deadline(
    clock, client, norway_assessment, focal_point_norway
):
    clock(TOO_LATE)
    client.force_login(focal_point_norway)

    html = client.get(norway_assessment.get_absolute_url()).content.decode()

    assert (
        '<p class="alert alert-danger">The deadline for submitting passed on 25 June 2099' in html
    )
    assert "left)" not in html


def test_once_the_cycle_is_closed_the_overview_no_longer_suggests_an_extension(
    clock, client, norway_assessment, focal_point_norway
):
    norway_assessment.cycle.is_open = False
    norway_assessment.cycle.save()
    clock(TOO_LATE)
    client.force_login(focal_point_norway)

    html = client.get(norway_assessment.get_absolute_url()).content.decode()

    assert "This reporting cycle is closed." in html
    assert "ask the secretariat for an extension" not in html


def test_the_overview_names_the_extension_in_force(
    clock, client, norway_assessment, focal_point_norway, secretariat
):
    grant(norway_assessment, secretariat, DEADLINE + datetime.timedelta(days=10))
    clock(TOO_LATE)
    client.force_login(focal_point_norway)

    html = client.get(norway_assessment.get_absolute_url()).content.decode()

    assert "5 July 2099, 23:59 UTC" in html
    assert "Extended by the secretariat; the cycle's deadline is 25 June 2099" in html
    assert "The deadline for submitting passed" not in html


def test_an_accepted_assessment_says_when_it_was_accepted(
    client, norway_assessment, focal_point_norway, secretariat
):
    assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)
    change = assessment_accept(assessment=norway_assessment, user=secretariat, seen_submission=1)
    change.changed_at = datetime.datetime(2099, 7, 2, 9, 30, tzinfo=UTC)
    change.save()
    client.force_login(focal_point_norway)

    html = client.get(norway_assessment.get_absolute_url()).content.decode()

    assert (
        "The secretariat accepted this assessment on 2 July 2099, 09:30 UTC; it is final." in html
    )
    assert "until the secretariat returns it" not in html


def test_the_confirmation_says_how_many_answers_are_missing(
    client, norway_assessment, first_answer, focal_point_norway
):
    client.force_login(focal_point_norway)
    html = client.get(submit_page(norway_assessment)).content.decode()
    assert "with 5 recommendations not answered" in html
    assert "is complete" not in html

    for answer in norway_assessment.answers.all():
        answer_save(
            answer=answer,
            content=AnswerContent(status="not_started", evidence="", links=[]),
            base_version=answer.version,
            user=focal_point_norway,
        )
    html = client.get(submit_page(norway_assessment)).content.decode()
    assert "I confirm that this assessment is complete" in html


def test_granting_an_extension_in_the_admin_records_who_granted_it(
    client, norway_assessment, secretariat
):
    client.force_login(secretariat)
    url = reverse("admin:assessments_extension_add")
    data = {
        "member_state": norway_assessment.member_state_id,
        "cycle": norway_assessment.cycle_id,
        "reason": "Elections in May.",
    }

    too_early = client.post(url, {**data, "until": "2099-06-24"})
    assert "cannot end before the cycle" in too_early.content.decode()
    assert not Extension.objects.exists()

    client.post(url, {**data, "until": "2099-07-05"})
    extension = Extension.objects.get()
    assert (extension.until, extension.granted_by) == (datetime.date(2099, 7, 5), secretariat)
