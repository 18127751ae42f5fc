"""The tasks a dead worker was running: recorded as interrupted and queued again.

django-tasks' database backend marks a task RUNNING when a worker claims it and
finished when the worker records its outcome; a worker killed in between leaves the
row RUNNING for ever, and the work undone until a scheduled job notices (minutes).
Every worker here beats (heartbeat.py); any worker finds, every few seconds, the
RUNNING tasks whose worker stopped beating, records each as failed with
WorkerInterrupted (the task list then says what happened) and queues a copy, with the
same arguments, priority and queue. The project's tasks are written to be run again:
each does its work once (a country report is stored once, a notice is sent once)."""

import logging

from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, TaskResultStatus

from .heartbeat import tasks_without_heartbeat

logger = logging.getLogger(__name__)


class WorkerInterrupted(Exception):
    """The worker running the task stopped before recording its outcome."""


def interrupted_tasks(*, worker_id: str):
    """RUNNING tasks whose worker is dead, or is this worker (`worker_id`), which calls
    this only between tasks: a task it still holds lost its outcome (the database went
    away as it was recorded)."""
    orphaned, _ = tasks_without_heartbeat(counting_as_silent={worker_id})
    return orphaned


def recover(result: DBTaskResult) -> DBTaskResult | None:
    """Record `result` as interrupted and queue it again; the copy, or None if another
    worker recovered it first, it finished meanwhile, or its code no longer exists (a
    task renamed by an upgrade: recorded, not queued)."""
    worker = result.worker_ids[-1] if result.worker_ids else "?"
    try:
        task, task_result = result.task, result.task_result
    except (ImportError, SuspiciousOperation):
        task = None
    with transaction.atomic():
        ended = DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            exception_class_path=f"{__name__}.{WorkerInterrupted.__qualname__}",
            traceback=f"WorkerInterrupted: worker {worker} stopped before the task ended.\n",
        )
        if not ended:
            return None
        if task is None:
            logger.error("task %s: %s cannot be queued again", result.pk, result.task_path)
            return None
        again = task.enqueue(*task_result.args, **task_result.kwargs)
        DBTaskResult.objects.filter(pk=result.pk).update(
            traceback=(
                f"WorkerInterrupted: worker {worker} stopped before the task ended; "
                f"queued again as {again.id}.\n"
            )
        )
    logger.warning(
        "task %s (%s) was interrupted with worker %s; queued again as %s",
        result.pk,
        result.task_path,
        worker,
        again.id,
    )
    return DBTaskResult.objects.get(pk=again.id)


def recover_interrupted(*, worker_id: str) -> list[DBTaskResult]:
    """Recover every interrupted task; the copies queued."""
    copies = [recover(result) for result in interrupted_tasks(worker_id=worker_id)]
    return [copy for copy in copies if copy is not None]
