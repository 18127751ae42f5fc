"""Publishing and withdrawing take the assessment's row lock, like every transition: two
acts at once take turns, and each reads the status and the publication left by the
other. PostgreSQL only, like the other races (test_submit_races.py)."""

import threading

import pytest
from django.db import connection

from assessments.models import (
    Assessment,
    AssessmentStatus,
    Publication,
    PublicationEvent,
    Submission,
)
from assessments.selectors.publication import published_submissions
from assessments.services.lifecycle import TransitionRefused
from assessments.services.publication import (
    PublicationRefused,
    submission_publish,
    submission_withdraw,
)
from assessments.services.review import assessment_accept, assessment_return
from tests.assessments.test_submit_races import Worker, blocked, paused_at
from tests.publishing import assessment_in

pytestmark = [
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="SQLite's in-memory test database locks whole tables between threads; "
        "CI runs these on PostgreSQL",
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def reviewer(django_user_model):
    # Not the `secretariat` fixture: a transactional test flushes the migrations' group.
    return django_user_model.objects.create_user(username="rita", password="pw", is_staff=True)


def _in(status, cycle, norway, focal_point_norway, reviewer):
    assessment, files = assessment_in(
        status,
        member_state=norway,
        cycle=cycle,
        focal_point=focal_point_norway,
        reviewer=reviewer,
        marker="RACE",
    )
    return assessment, files


def _publish(assessment, user, files=()):
    def action():
        submission = Submission.objects.select_related("assessment").get(
            assessment=assessment, number=1
        )
        return submission_publish(submission=submission, user=user, attachment_ids=files)

    return action


def test_two_publishes_at_once_make_one_publication(cycle, norway, focal_point_norway, reviewer):
    assessment, files = _in(AssessmentStatus.ACCEPTED, cycle, norway, focal_point_norway, reviewer)
    start = threading.Barrier(2)

    def racing(chosen):
        publish = _publish(assessment, focal_point_norway, chosen)

        def action():
            start.wait()
            return publish()

        return action

    workers = [Worker(racing([files[0].pk])), Worker(racing([files[1].pk]))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.finish()
    errors = [worker.error for worker in workers if worker.error is not None]
    assert len(errors) == 1 and isinstance(errors[0], PublicationRefused)
    winner = next(worker for worker in workers if worker.error is None)
    publication = Publication.objects.get()
    assert list(publication.attachments.all()) == list(winner.result.attachments.all())
    assert PublicationEvent.objects.count() == 1


def test_a_publish_waits_for_an_accept_and_then_sees_it(
    cycle, norway, focal_point_norway, reviewer, monkeypatch
):
    """The accept holds the row; the publish, which read a submitted assessment before,
    waits for it and then publishes the accepted one."""
    assessment, _files = _in(
        AssessmentStatus.SUBMITTED, cycle, norway, focal_point_norway, reviewer
    )
    reached, go = paused_at(monkeypatch, "assessments.services.review.notify_transition")
    accept = Worker(
        lambda: assessment_accept(
            assessment=Assessment.objects.get(pk=assessment.pk), user=reviewer, seen_submission=1
        )
    )
    accept.start()
    assert reached.wait(timeout=10)
    publish = Worker(_publish(assessment, focal_point_norway))
    assert blocked(publish)
    go.set()
    accept.finish()
    publish.finish()
    assert accept.error is None and publish.error is None
    assert published_submissions().count() == 1


def test_a_publish_that_waited_for_a_return_is_refused_and_stores_nothing(
    cycle, norway, focal_point_norway, reviewer, monkeypatch
):
    assessment, _files = _in(
        AssessmentStatus.SUBMITTED, cycle, norway, focal_point_norway, reviewer
    )
    reached, go = paused_at(monkeypatch, "assessments.services.review.notify_transition")
    returning = Worker(
        lambda: assessment_return(
            assessment=Assessment.objects.get(pk=assessment.pk),
            user=reviewer,
            text="Revise.",
            seen_submission=1,
        )
    )
    returning.start()
    assert reached.wait(timeout=10)
    publish = Worker(_publish(assessment, focal_point_norway))
    assert blocked(publish)
    go.set()
    returning.finish()
    publish.finish()
    assert returning.error is None
    assert isinstance(publish.error, PublicationRefused)
    assert not Publication.objects.exists() and not PublicationEvent.objects.exists()


def test_a_return_after_a_publication_is_refused_and_the_publication_stands(
    cycle, norway, focal_point_norway, reviewer
):
    """Acceptance is final: the secretariat cannot return a published assessment."""
    assessment, _files = _in(AssessmentStatus.ACCEPTED, cycle, norway, focal_point_norway, reviewer)
    _publish(assessment, focal_point_norway)()
    with pytest.raises(TransitionRefused):
        assessment_return(assessment=assessment, user=reviewer, text="No.", seen_submission=1)
    assert published_submissions().count() == 1


def test_a_withdrawal_and_a_publish_at_once_leave_a_consistent_record(
    cycle, norway, focal_point_norway, reviewer
):
    assessment, _files = _in(AssessmentStatus.ACCEPTED, cycle, norway, focal_point_norway, reviewer)
    _publish(assessment, focal_point_norway)()
    start = threading.Barrier(2)

    def withdraw():
        start.wait()
        submission = Submission.objects.select_related("assessment").get(assessment=assessment)
        return submission_withdraw(submission=submission, user=focal_point_norway)

    def publish():
        start.wait()
        return _publish(assessment, focal_point_norway)()

    workers = [Worker(withdraw), Worker(publish)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.finish()
    kinds = list(PublicationEvent.objects.values_list("kind", flat=True))
    publication = Publication.objects.get()
    # Either the publish came first (refused: already published) and the withdrawal
    # stands, or the withdrawal came first and the publish is a new consent.
    if workers[1].error is not None:
        assert isinstance(workers[1].error, PublicationRefused)
        assert kinds == ["published", "withdrawn"] and publication.is_withdrawn
    else:
        assert kinds == ["published", "withdrawn", "published"] and not publication.is_withdrawn
    assert workers[0].error is None
