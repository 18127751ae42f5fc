"""A task worker's heartbeat: a thread that records every few seconds that its process
lives, on a database connection of its own, so that a beat goes on while the worker's
main thread renders a long country report. A worker killed outright (SIGKILL, the
out-of-memory killer, a lost machine) stops beating; the others then see it dead."""

import logging
import os
import socket
import threading
from datetime import timedelta

from django.db import DatabaseError, connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

BEAT_EVERY = timedelta(seconds=5)
# Three beats missed: long enough for a busy database to delay one, short enough that
# a dead worker's task is queued again well within a minute.
DEAD_AFTER = timedelta(seconds=15)
# /healthz/ready reports an orphaned task only once the workers have had time to recover
# it (they look every few seconds after DEAD_AFTER): one still there means none is left.
ORPHANED_AFTER = 2 * DEAD_AFTER


def beat(worker_id: str, *, started_at=None) -> None:
    now = timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(beat_at=now)
    if not updated:
        WorkerHeartbeat.objects.create(
            worker_id=worker_id,
            hostname=socket.gethostname()[:255],
            pid=os.getpid(),
            started_at=started_at or now,
            beat_at=now,
        )


def tasks_without_heartbeat(*, silent_for=DEAD_AFTER, now=None, counting_as_silent=()):
    """The RUNNING tasks whose worker has not beaten for `silent_for`, oldest first, and
    the workers that have. A task's worker is the last of its worker ids (a retried task
    has several). `counting_as_silent` names workers to treat as dead although beating:
    a worker between tasks that still holds one lost that task's outcome."""
    since = (now or timezone.now()) - silent_for
    beating = set(
        WorkerHeartbeat.objects.filter(beat_at__gte=since).values_list("worker_id", flat=True)
    )
    alive = beating - set(counting_as_silent)
    orphaned = [
        result
        for result in DBTaskResult.objects.running().order_by("started_at")
        if not result.worker_ids or result.worker_ids[-1] not in alive
    ]
    return orphaned, beating


class Heartbeat:
    """Beats for `worker_id` from a daemon thread between start() and stop()."""

    def __init__(self, worker_id: str, every: timedelta = BEAT_EVERY):
        self.worker_id = worker_id
        self.every = every.total_seconds()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)
        self.started_at = timezone.now()

    def start(self, *, thread: bool = True) -> None:
        """Beat now and, with `thread`, every BEAT_EVERY until stop(); without, the
        caller beats (`beat_now`) between its tasks."""
        # The first beat is written before the worker claims any task, so that no
        # other worker ever sees one of its tasks without a heartbeat beside it.
        self.beat_now()
        if thread:
            self._thread.start()

    def beat_now(self) -> None:
        beat(self.worker_id, started_at=self.started_at)

    def stop(self) -> None:
        """End the beats and remove the record: a worker that ends on its own has
        finished its task, and its absence is not a death."""
        self._stopped.set()
        if self._thread.is_alive():
            self._thread.join(timeout=self.every * 2)
        try:
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        except DatabaseError:
            logger.warning("worker %s: could not remove its heartbeat", self.worker_id)

    def _run(self) -> None:
        try:
            while not self._stopped.wait(self.every):
                try:
                    self.beat_now()
                except DatabaseError:
                    # The database is out of reach: the worker's loop waits for it too;
                    # beat again on a fresh connection once it is back.
                    logger.warning("worker %s: heartbeat not recorded", self.worker_id)
                    connection.close()
        finally:
            connection.close()
