"""The public verification page tells the whole story of a version, and no more."""

import datetime

import pytest
from django.urls import reverse

from assessments.services.lifecycle import assessment_submit
from assessments.services.review import assessment_accept, assessment_return

pytestmark = pytest.mark.django_db

VERIFY = reverse("assessments:verify")
WHEN = datetime.datetime(2099, 7, 2, 9, 30, tzinfo=datetime.UTC)


def submit(assessment, user, fingerprint):
    # The fingerprint stands for the stored PDF's: no rendering needed to look it up.
    submission = assessment_submit(assessment=assessment, submitted_by=user)
    submission.pdf_sha256 = fingerprint * 64
    submission.submitted_at = WHEN
    submission.save()
    return submission


def verify(client, fingerprint):
    return client.post(VERIFY, {"sha256": fingerprint * 64}).content.decode()


def dated(change):
    change.changed_at = WHEN + datetime.timedelta(days=1)
    change.save()


def test_the_latest_version_awaiting_review_is_the_current_submission(
    client, norway_assessment, focal_point_norway
):
    submit(norway_assessment, focal_point_norway, "a")

    html = verify(client, "a")

    assert "version 1 of the country report of Norway" in html
    assert "submitted on 2 July 2099, 09:30 UTC" in html
    assert "It is the current submission, awaiting the secretariat" in html


def test_an_earlier_version_is_superseded_by_the_later_one(
    client, norway_assessment, focal_point_norway, secretariat
):
    submit(norway_assessment, focal_point_norway, "a")
    assessment_return(
        assessment=norway_assessment, user=secretariat, seen_submission=1, text="Secret note."
    )
    later = submit(norway_assessment, focal_point_norway, "b")
    later.submitted_at = WHEN + datetime.timedelta(days=3)
    later.save()

    html = verify(client, "a")

    assert "It has been superseded by version 2, submitted on 5 July 2099, 09:30 UTC." in html
    assert "current submission" not in html
    assert "It is the current submission" in verify(client, "b")


def test_a_returned_version_says_when_it_was_returned_and_nothing_of_why(
    client, norway_assessment, focal_point_norway, secretariat
):
    submit(norway_assessment, focal_point_norway, "a")
    dated(
        assessment_return(
            assessment=norway_assessment, user=secretariat, seen_submission=1, text="Secret note."
        )
    )

    html = verify(client, "a")

    assert "returned it for revision on 3 July 2099, 09:30 UTC" in html
    assert "Secret note." not in html
    assert focal_point_norway.username not in html
    assert secretariat.username not in html


def test_an_accepted_version_says_when_it_was_accepted(
    client, norway_assessment, focal_point_norway, secretariat
):
    submit(norway_assessment, focal_point_norway, "a")
    dated(assessment_accept(assessment=norway_assessment, user=secretariat, seen_submission=1))

    html = verify(client, "a")

    assert "It is the current submission, accepted by the secretariat on 3 July 2099" in html
