"""/healthz/ready: what a monitor reads to know whether the site can do its work, and
nothing an outsider could use."""

import logging
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from operations import health
from operations.models import ScheduledJobRun, WorkerHeartbeat
from operations.scheduled_jobs import JOB_NAMES

pytestmark = pytest.mark.django_db

URL = "/healthz/ready"


@pytest.fixture(autouse=True)
def _fresh_reports(settings):
    settings.HEALTH_REPORT_REUSE_SECONDS = 0


@pytest.fixture
def jobs_ran():
    """Every scheduled job started `seconds` ago and succeeded."""

    def ran(seconds: int = 60, **fields):
        now = timezone.now()
        for name in JOB_NAMES:
            ScheduledJobRun.objects.update_or_create(
                name=name,
                defaults={
                    "started_at": now - timedelta(seconds=seconds),
                    "finished_at": now - timedelta(seconds=seconds - 1),
                    "succeeded": True,
                    **fields,
                },
            )

    return ran


def task(*, status=TaskResultStatus.READY, waited=0, run_after=None, **fields) -> DBTaskResult:
    result = DBTaskResult.objects.create(
        status=status,
        task_path="assessments.services.reports.render_submission_pdf",
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        run_after=run_after or get_date_max(),
        **fields,
    )
    # enqueued_at is set on creation (auto_now_add): moved back afterwards.
    DBTaskResult.objects.filter(pk=result.pk).update(
        enqueued_at=timezone.now() - timedelta(seconds=waited)
    )
    return result


def heartbeat(worker_id: str, *, seconds_ago: int) -> WorkerHeartbeat:
    now = timezone.now()
    return WorkerHeartbeat.objects.create(
        worker_id=worker_id,
        hostname="worker-1",
        pid=42,
        started_at=now - timedelta(hours=1),
        beat_at=now - timedelta(seconds=seconds_ago),
    )


def test_all_well_answers_200_with_each_check_and_its_figures(client, jobs_ran):
    jobs_ran(seconds=60)
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    report = response.json()
    assert report["ok"] is True
    checks = report["checks"]
    assert set(checks) == {"database", "storage", "queue", "jobs"}
    assert all(check["ok"] for check in checks.values())
    assert checks["database"]["latency_ms"] >= 0
    assert checks["storage"]["latency_ms"] >= 0
    assert checks["queue"] == {
        "ok": True,
        "waiting": 0,
        "oldest_waiting_seconds": None,
        "running_without_heartbeat": 0,
        "workers_beating": 0,
    }
    assert checks["jobs"]["jobs"]["render_missing_pdfs"] == {
        "started_seconds_ago": 60,
        "finished": True,
        "succeeded": True,
    }


def test_the_url_needs_no_sign_in_and_has_its_name(client, jobs_ran):
    jobs_ran()
    assert reverse("operations:ready") == URL
    assert client.get(URL).status_code == 200
    assert client.head(URL).status_code == 200
    assert client.post(URL).status_code == 405


def test_the_storage_probe_leaves_no_file_behind(client, jobs_ran, settings):
    jobs_ran()
    client.get(URL)
    left = [path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file()]
    assert left == []


def test_not_ready_is_a_warning_naming_the_checks_not_a_server_error(client, caplog):
    """A monitor polls every few seconds: a 503 here must not mail the admins or reach
    Sentry as an error each time."""
    with caplog.at_level(logging.INFO):
        assert client.get(URL).status_code == 503
    assert [(record.name, record.levelname, record.getMessage()) for record in caplog.records] == [
        ("operations.views", "WARNING", "Not ready: jobs")
    ]


# The scheduled jobs


def test_jobs_that_never_ran_answer_503(client):
    response = client.get(URL)
    assert response.status_code == 503
    jobs = response.json()["checks"]["jobs"]
    assert jobs["ok"] is False
    assert jobs["jobs"] == dict.fromkeys(JOB_NAMES)


def test_jobs_not_started_for_three_intervals_answer_503(client, jobs_ran, settings):
    assert settings.HEALTH_JOBS_MAX_AGE_SECONDS == 3 * 300
    jobs_ran(seconds=3 * 300 - 5)
    assert client.get(URL).status_code == 200
    jobs_ran(seconds=3 * 300 + 5)
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json()["checks"]["jobs"]["ok"] is False


def test_one_job_that_hangs_answers_503(client, jobs_ran):
    jobs_ran(seconds=60)
    ScheduledJobRun.objects.filter(name="render_missing_pdfs").update(
        started_at=timezone.now() - timedelta(hours=1), finished_at=None, succeeded=False
    )
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json()["checks"]["jobs"]["jobs"]["render_missing_pdfs"] == {
        "started_seconds_ago": 3600,
        "finished": False,
        "succeeded": False,
    }


def test_a_job_that_ran_and_failed_is_reported_without_a_503(client, jobs_ran):
    """A PDF that will not render fails its job at every run: the secretariat handles it,
    the site is not down."""
    jobs_ran(seconds=60)
    ScheduledJobRun.objects.filter(name="render_missing_pdfs").update(
        succeeded=False, message="CommandError: Some PDFs could not be rendered"
    )
    response = client.get(URL)
    assert response.status_code == 200
    assert response.json()["checks"]["jobs"]["jobs"]["render_missing_pdfs"]["succeeded"] is False
    assert "CommandError" not in response.content.decode()


# The task queue


def test_a_task_waiting_more_than_five_minutes_answers_503(client, jobs_ran):
    jobs_ran()
    task(waited=4 * 60)
    assert client.get(URL).status_code == 200
    task(waited=6 * 60)
    response = client.get(URL)
    assert response.status_code == 503
    queue = response.json()["checks"]["queue"]
    assert queue["ok"] is False
    assert queue["waiting"] == 2
    assert 6 * 60 <= queue["oldest_waiting_seconds"] <= 6 * 60 + 5


def test_the_wait_threshold_is_a_setting(client, jobs_ran, settings):
    jobs_ran()
    task(waited=4 * 60)
    settings.HEALTH_QUEUE_MAX_WAIT_SECONDS = 3 * 60
    assert client.get(URL).status_code == 503


def test_tasks_deferred_to_later_and_finished_tasks_are_not_waiting(client, jobs_ran):
    jobs_ran()
    task(waited=3600, run_after=timezone.now() + timedelta(hours=1))
    task(waited=3600, status=TaskResultStatus.SUCCESSFUL)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.json()["checks"]["queue"]["waiting"] == 0


def test_a_running_task_whose_worker_stopped_beating_answers_503(client, jobs_ran):
    jobs_ran()
    heartbeat("worker-alive", seconds_ago=5)
    heartbeat("worker-dead", seconds_ago=120)
    started = timezone.now() - timedelta(minutes=3)
    task(status=TaskResultStatus.RUNNING, started_at=started, worker_ids=["worker-alive"])
    assert client.get(URL).status_code == 200
    # Claimed by the dead worker last, after a first attempt by the live one.
    task(
        status=TaskResultStatus.RUNNING,
        started_at=started,
        worker_ids=["worker-alive", "worker-dead"],
    )
    response = client.get(URL)
    assert response.status_code == 503
    queue = response.json()["checks"]["queue"]
    assert (queue["running_without_heartbeat"], queue["workers_beating"]) == (1, 1)


def test_a_running_task_of_a_worker_that_never_beat_answers_503(client, jobs_ran):
    jobs_ran()
    task(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - timedelta(minutes=3),
        worker_ids=["worker-gone"],
    )
    assert client.get(URL).json()["checks"]["queue"]["running_without_heartbeat"] == 1


def test_a_task_claimed_moments_ago_is_not_judged_yet(client, jobs_ran):
    jobs_ran()
    task(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - timedelta(seconds=5),
        worker_ids=["worker-starting"],
    )
    assert client.get(URL).status_code == 200


# Failures say nothing of where or why


def test_an_unreachable_database_answers_503_without_naming_it(client, jobs_ran, monkeypatch):
    jobs_ran()

    class Unreachable:
        def cursor(self):
            raise OperationalError('connection to server at "db.internal" (10.1.2.3) failed')

    monkeypatch.setattr(health, "connection", Unreachable())
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"ok": False}
    assert response.json()["checks"]["queue"]["ok"] is True
    page = response.content.decode()
    assert "db.internal" not in page
    assert "10.1.2.3" not in page


def test_an_unwritable_storage_answers_503_without_naming_its_path(
    client, jobs_ran, settings, tmp_path
):
    jobs_ran()
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = blocker / "media"
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == {"ok": False}
    assert str(tmp_path) not in response.content.decode()


def test_the_report_names_no_setting_host_or_path(client, jobs_ran, settings):
    jobs_ran()
    page = client.get(URL).content.decode()
    for secret in (
        settings.SECRET_KEY,
        str(settings.MEDIA_ROOT),
        str(settings.BASE_DIR),
        str(settings.DATABASES["default"]["NAME"]),
    ):
        assert secret not in page


def test_a_report_is_reused_for_a_few_seconds(client, settings):
    """Public and writing a probe file: a flood of requests makes one report per process
    every HEALTH_REPORT_REUSE_SECONDS."""
    first = client.get(URL)
    assert first.status_code == 503  # the jobs never ran
    settings.HEALTH_REPORT_REUSE_SECONDS = 60
    for name in JOB_NAMES:
        ScheduledJobRun.objects.create(name=name, started_at=timezone.now(), succeeded=True)
    again = client.get(URL)
    assert again.status_code == 503
    assert again.json() == first.json()
    settings.HEALTH_REPORT_REUSE_SECONDS = 0
    assert client.get(URL).status_code == 200
