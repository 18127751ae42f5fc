"""`manage.py run_scheduled_jobs`: every job runs whatever the others did, and each run is
recorded for the health check."""

import logging
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command, get_commands
from django.utils import timezone

from operations import scheduled_jobs
from operations.models import ScheduledJobRun
from operations.scheduled_jobs import JOB_NAMES, SCHEDULED_JOBS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _database_queue(settings):
    # As in production: prune_db_task_results refuses any other backend.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def failing_job(monkeypatch):
    """Make the named job's command raise `error`; the others run for real."""

    def fail(name: str, error: BaseException):
        def call(command, *args, **options):
            if command == name:
                raise error
            return call_command(command, *args, **options)

        monkeypatch.setattr(scheduled_jobs, "call_command", call)

    return fail


def test_the_jobs_are_the_cycles_four_and_each_is_a_command():
    assert JOB_NAMES == (
        "send_deadline_reminders",
        "send_unsent_invitations",
        "render_missing_pdfs",
        "prune_db_task_results",
    )
    assert set(JOB_NAMES) <= set(get_commands())
    assert dict(SCHEDULED_JOBS)["prune_db_task_results"] == ("--min-age-days", "7")


def test_each_job_runs_and_its_run_is_recorded(capsys):
    before = timezone.now()
    call_command("run_scheduled_jobs")
    runs = {run.name: run for run in ScheduledJobRun.objects.all()}
    assert set(runs) == set(JOB_NAMES)
    for run in runs.values():
        assert run.succeeded, run.message
        assert before <= run.started_at <= run.finished_at <= timezone.now()
    # What each command printed is kept with its run.
    assert runs["render_missing_pdfs"].message == "queued 0, last rendering failed 0"
    assert "Scheduled jobs done" in capsys.readouterr().out


def test_a_second_run_updates_the_same_rows():
    call_command("run_scheduled_jobs")
    first = ScheduledJobRun.objects.get(name="send_unsent_invitations").started_at
    call_command("run_scheduled_jobs")
    assert ScheduledJobRun.objects.count() == len(JOB_NAMES)
    assert ScheduledJobRun.objects.get(name="send_unsent_invitations").started_at > first


def test_a_failing_job_is_logged_recorded_and_the_next_still_runs(failing_job, caplog):
    failing_job("send_unsent_invitations", CommandError("The mail server refused the connection."))
    with (
        caplog.at_level(logging.ERROR, logger="operations.scheduled_jobs"),
        pytest.raises(CommandError, match=r"Scheduled jobs failed: send_unsent_invitations\."),
    ):
        call_command("run_scheduled_jobs")
    failed = ScheduledJobRun.objects.get(name="send_unsent_invitations")
    assert not failed.succeeded
    assert failed.finished_at is not None
    assert failed.message == "CommandError: The mail server refused the connection."
    assert [record.getMessage() for record in caplog.records] == [
        "Scheduled job send_unsent_invitations failed"
    ]
    assert caplog.records[0].exc_info
    # The jobs after it ran.
    assert ScheduledJobRun.objects.get(name="render_missing_pdfs").succeeded
    assert ScheduledJobRun.objects.get(name="prune_db_task_results").succeeded


def test_any_error_of_a_job_is_caught_not_only_command_errors(failing_job):
    failing_job("send_deadline_reminders", ValueError("a bug"))
    assert scheduled_jobs.scheduled_jobs_run() == ["send_deadline_reminders"]
    assert ScheduledJobRun.objects.filter(succeeded=True).count() == len(JOB_NAMES) - 1


def test_a_job_stopped_midway_stays_recorded_as_started_and_unfinished(failing_job):
    """A process killed or interrupted in a job leaves the start it recorded: the health
    check sees it age."""
    ScheduledJobRun.objects.create(
        name="send_deadline_reminders",
        started_at=timezone.now() - timedelta(minutes=5),
        finished_at=timezone.now() - timedelta(minutes=5),
        succeeded=True,
        message="reminders prepared 0; sent 0; still failing 0",
    )
    failing_job("send_deadline_reminders", KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        call_command("run_scheduled_jobs")
    run = ScheduledJobRun.objects.get(name="send_deadline_reminders")
    assert run.finished_at is None
    assert not run.succeeded
    assert run.message == ""
    assert run.started_at > timezone.now() - timedelta(minutes=1)


def test_a_long_message_is_cut(failing_job):
    failing_job("render_missing_pdfs", CommandError("x" * 10_000))
    scheduled_jobs.scheduled_jobs_run()
    message = ScheduledJobRun.objects.get(name="render_missing_pdfs").message
    assert len(message) == scheduled_jobs.MESSAGE_MAX_CHARS
