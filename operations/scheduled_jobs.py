"""The scheduled jobs of a cycle, run one after the other every JOBS_INTERVAL seconds
(docker/jobs.sh), each run recorded in ScheduledJobRun so that the health check sees
when they stopped."""

import logging
import time
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from .models import ScheduledJobRun

logger = logging.getLogger(__name__)

# Each is safe to run as often as this: a reminder, a notice or an invitation goes once,
# a PDF is queued again only after its last attempt is two minutes old.
SCHEDULED_JOBS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("send_deadline_reminders", ()),
    ("send_unsent_invitations", ()),
    ("render_missing_pdfs", ()),
    ("prune_db_task_results", ("--min-age-days", "7")),
)
JOB_NAMES = tuple(name for name, _args in SCHEDULED_JOBS)

# What a run's message keeps of the command's output or error: the admin shows it, and a
# runaway output must not grow the row without bound.
MESSAGE_MAX_CHARS = 2_000


def scheduled_jobs_run() -> list[str]:
    """Run every scheduled job, each whatever the others did; return the names of those
    that failed."""
    return [name for name, args in SCHEDULED_JOBS if not scheduled_job_run(name, args)]


def scheduled_job_run(name: str, args: tuple[str, ...] = ()) -> bool:
    """Run one job through its management command and record the run: its start before
    the command, so that a job that hangs or whose process dies stays visibly unfinished,
    then its end. True when it succeeded."""
    began = time.monotonic()
    try:
        ScheduledJobRun.objects.update_or_create(
            name=name,
            defaults={
                "started_at": timezone.now(),
                "finished_at": None,
                "succeeded": False,
                "message": "",
            },
        )
        output = StringIO()
        call_command(name, *args, stdout=output, stderr=output)
    except Exception as error:
        # A database that went away fails the recording as well as the job: logged, and
        # the next job is still tried.
        logger.exception("Scheduled job %s failed", name)
        succeeded, message = False, f"{type(error).__name__}: {error}"
    else:
        succeeded, message = True, output.getvalue().strip()
        logger.info(
            "Scheduled job %s succeeded in %.1f s: %s",
            name,
            time.monotonic() - began,
            message or "no output",
        )
    try:
        ScheduledJobRun.objects.filter(name=name).update(
            finished_at=timezone.now(), succeeded=succeeded, message=message[:MESSAGE_MAX_CHARS]
        )
    except Exception:
        logger.exception("The end of scheduled job %s could not be recorded", name)
        return False
    return succeeded
