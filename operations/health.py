"""What /healthz/ready reports: whether the database, the file storage, the task queue
and the scheduled jobs work, with their figures. Nothing in it names a path, a host, a
setting's value or an error's text: the page is public, and the logs carry the details.
"""

import logging
import time
import uuid
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import Count, Min
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from .heartbeat import ORPHANED_AFTER, tasks_without_heartbeat
from .models import ScheduledJobRun
from .scheduled_jobs import JOB_NAMES

logger = logging.getLogger(__name__)

PROBE_CONTENT = b"health probe\n"

# The last report and when it was made (monotonic seconds), reused for
# HEALTH_REPORT_REUSE_SECONDS: the page is public, and each report writes a file.
_last_report: tuple[float, dict] | None = None


def health_report() -> dict:
    """The report of every check, made afresh at most every HEALTH_REPORT_REUSE_SECONDS
    in this process."""
    global _last_report
    reuse = settings.HEALTH_REPORT_REUSE_SECONDS
    if _last_report is not None and time.monotonic() - _last_report[0] < reuse:
        return _last_report[1]
    report = health_report_make()
    _last_report = (time.monotonic(), report)
    return report


def health_report_make(now: datetime | None = None) -> dict:
    now = now or timezone.now()
    checks = {
        "database": _checked("database", database_check),
        "storage": _checked("storage", storage_check),
        "queue": _checked("queue", lambda: queue_check(now)),
        "jobs": _checked("jobs", lambda: jobs_check(now)),
    }
    return {
        "ok": all(check["ok"] for check in checks.values()),
        "checked_at": now.isoformat(timespec="seconds"),
        "checks": checks,
    }


def _checked(name: str, check: Callable[[], dict]) -> dict:
    try:
        return check()
    except Exception:
        # The error's text may name the database host or the bucket: logged, not shown.
        logger.exception("Health check %s failed", name)
        return {"ok": False}


def _milliseconds_since(began: float) -> float:
    return round((time.perf_counter() - began) * 1000, 1)


def database_check() -> dict:
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"ok": True, "latency_ms": _milliseconds_since(began)}


def storage_check() -> dict:
    """Write, read back and delete a small file through the storage the evidence and the
    reports use. Cheaper checks (exists, listdir) pass on a read-only disk or with a key
    that may read but not write, which is how uploads would fail."""
    began = time.perf_counter()
    name = default_storage.save(f"health-probes/{uuid.uuid4().hex}.txt", ContentFile(PROBE_CONTENT))
    try:
        with default_storage.open(name) as probe:
            read_back = probe.read()
    finally:
        default_storage.delete(name)
    return {"ok": read_back == PROBE_CONTENT, "latency_ms": _milliseconds_since(began)}


def queue_check(now: datetime) -> dict:
    """The tasks waiting for a worker (how many, the oldest's age), the workers beating,
    and the running tasks whose worker stopped beating. The workers queue those again
    within seconds (recovery.py): one still there after ORPHANED_AFTER means no worker
    is left to do it."""
    waiting = DBTaskResult.objects.ready().aggregate(count=Count("pk"), oldest=Min("enqueued_at"))
    oldest_wait = (now - waiting["oldest"]).total_seconds() if waiting["oldest"] else None
    orphaned, beating = tasks_without_heartbeat(silent_for=ORPHANED_AFTER, now=now)
    # A task claimed more recently is not judged yet: its worker was alive when it claimed it.
    orphaned = sum(1 for result in orphaned if result.started_at < now - ORPHANED_AFTER)
    return {
        "ok": orphaned == 0
        and (oldest_wait is None or oldest_wait <= settings.HEALTH_QUEUE_MAX_WAIT_SECONDS),
        "waiting": waiting["count"],
        "oldest_waiting_seconds": None if oldest_wait is None else round(oldest_wait),
        "running_without_heartbeat": orphaned,
        "workers_beating": len(beating),
    }


def jobs_check(now: datetime) -> dict:
    """When each scheduled job last started. A job that never ran, or whose last start is
    older than HEALTH_JOBS_MAX_AGE_SECONDS, fails the check: the loop stopped, or one job
    hangs and holds the others. A job that ran and failed is reported without failing
    the check: it is about data (a PDF that will not render), its error is logged."""
    runs = {run.name: run for run in ScheduledJobRun.objects.filter(name__in=JOB_NAMES)}
    jobs = {}
    for name in JOB_NAMES:
        run = runs.get(name)
        jobs[name] = (
            {
                "started_seconds_ago": round((now - run.started_at).total_seconds()),
                "finished": run.finished_at is not None,
                "succeeded": run.succeeded,
            }
            if run
            else None
        )
    max_age = settings.HEALTH_JOBS_MAX_AGE_SECONDS
    return {
        "ok": all(
            job is not None and job["started_seconds_ago"] <= max_age for job in jobs.values()
        ),
        "jobs": jobs,
    }
