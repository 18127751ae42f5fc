"""The tasks of a dead worker are recorded as interrupted and queued again, once; a
country report claimed by an interrupted task is taken over at once."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, TaskResultStatus

from assessments.services.lifecycle import assessment_submit
from assessments.services.reports import render_submission_pdf, submission_store_pdf
from operations.heartbeat import DEAD_AFTER, beat
from operations.models import WorkerHeartbeat
from operations.recovery import WorkerInterrupted, recover, recover_interrupted
from tests.assessments.conftest import catalogue, cycle, norway_assessment  # noqa: F401

pytestmark = pytest.mark.django_db

INTERRUPTED = f"{WorkerInterrupted.__module__}.{WorkerInterrupted.__qualname__}"


@pytest.fixture(autouse=True)
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def running(task, *args, worker="w-dead", **kwargs) -> DBTaskResult:
    """A task as a worker left it when it claimed it."""
    queued = DBTaskResult.objects.get(id=task.enqueue(*args, **kwargs).id)
    queued.claim(worker)
    return queued


def test_a_task_of_a_worker_that_stopped_beating_is_interrupted_and_queued_again():
    WorkerHeartbeat.objects.create(
        worker_id="w-dead",
        pid=1,
        started_at=timezone.now(),
        beat_at=timezone.now() - DEAD_AFTER * 2,
    )
    left = running(render_submission_pdf, 41, retry_now=True)

    (copy,) = recover_interrupted(worker_id="w-new")

    left.refresh_from_db()
    assert left.status == TaskResultStatus.FAILED
    assert left.exception_class_path == INTERRUPTED
    assert "w-dead" in left.traceback and str(copy.id) in left.traceback
    assert left.task_result.errors[0].exception_class_path == INTERRUPTED
    assert (copy.status, copy.task_path, copy.args_kwargs) == (
        TaskResultStatus.READY,
        left.task_path,
        {"args": [41], "kwargs": {"retry_now": True}},
    )
    assert (copy.queue_name, copy.priority) == (left.queue_name, left.priority)


def test_a_task_of_a_worker_without_any_heartbeat_is_interrupted():
    running(render_submission_pdf, 41, worker="w-never-beat")
    assert len(recover_interrupted(worker_id="w-new")) == 1


def test_a_task_of_a_living_worker_is_left_alone():
    beat("w-alive")
    left = running(render_submission_pdf, 41, worker="w-alive")
    assert recover_interrupted(worker_id="w-new") == []
    left.refresh_from_db()
    assert left.status == TaskResultStatus.RUNNING


def test_a_task_the_worker_itself_still_holds_between_tasks_lost_its_outcome():
    beat("w-me")
    running(render_submission_pdf, 41, worker="w-me")
    assert len(recover_interrupted(worker_id="w-me")) == 1


def test_two_workers_recovering_the_same_task_queue_one_copy():
    left = running(render_submission_pdf, 41)
    first, second = recover(left), recover(left)
    assert first is not None and second is None
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1


def test_a_finished_task_is_not_recovered():
    left = running(render_submission_pdf, 41)
    left.set_successful("stored")
    assert recover(left) is None
    left.refresh_from_db()
    assert left.status == TaskResultStatus.SUCCESSFUL


def test_a_task_whose_code_is_gone_is_recorded_interrupted_and_not_queued():
    left = running(render_submission_pdf, 41)
    DBTaskResult.objects.filter(pk=left.pk).update(task_path="assessments.gone.render")
    left.refresh_from_db()
    assert recover(left) is None
    left.refresh_from_db()
    assert (left.status, left.exception_class_path) == (TaskResultStatus.FAILED, INTERRUPTED)
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()


@pytest.fixture
def submission(norway_assessment, focal_point_norway):  # noqa: F811
    submitted = assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)
    DBTaskResult.objects.all().delete()  # what the submit queued: not this test's
    return submitted


def claim(submission, task: DBTaskResult):
    type(submission).objects.filter(pk=submission.pk).update(
        pdf_attempted_at=timezone.now(), pdf_claimed_by_task=task.pk
    )


def test_a_rendering_claimed_by_a_running_task_is_not_taken_over(submission):
    beat("w-alive")
    claim(submission, running(render_submission_pdf, submission.pk, worker="w-alive"))
    with pytest.raises(Exception, match="not ready"):
        submission_store_pdf(submission)


# The worker's loop closes connections left in a transaction, as after a request: these
# run it outside the test's own transaction.
@pytest.mark.django_db(transaction=True)
def test_the_worker_takes_over_a_rendering_its_dead_worker_claimed_at_once(submission):
    left = running(render_submission_pdf, submission.pk)
    claim(submission, left)

    # What `db_worker` does when it starts: recover, then run what is queued.
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    submission.refresh_from_db()
    assert submission.pdf and submission.pdf_sha256
    left.refresh_from_db()
    assert left.exception_class_path == INTERRUPTED
    (copy,) = DBTaskResult.objects.exclude(pk=left.pk)
    assert (copy.status, copy.return_value) == (TaskResultStatus.SUCCESSFUL, "stored")
    assert submission.pdf_claimed_by_task == copy.pk


@pytest.mark.django_db(transaction=True)
def test_a_batch_worker_leaves_no_heartbeat_behind(submission):
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert not WorkerHeartbeat.objects.exists()


def test_an_old_claim_still_ends_with_time(submission):
    beat("w-alive")
    claim(submission, running(render_submission_pdf, submission.pk, worker="w-alive"))
    type(submission).objects.filter(pk=submission.pk).update(
        pdf_attempted_at=timezone.now() - timedelta(hours=1)
    )
    assert submission_store_pdf(submission).pdf
