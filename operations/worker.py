"""django-tasks-db's worker, kept alive through what kills it in production.

- It beats (heartbeat.py) and, every few seconds between tasks, recovers the tasks of
  workers that stopped beating (recovery.py): a task interrupted by a killed worker runs
  again within seconds of any worker being available, not after a scheduled job.
- It rides out a database outage: where the library's loop ends on the first
  OperationalError (a PostgreSQL restart), this one waits for the database, then goes
  on, and recovers its own task whose outcome could not be recorded.
"""

import logging
import random
import time
from datetime import timedelta

from django.db import InterfaceError, OperationalError, close_old_connections, connection
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from .heartbeat import Heartbeat
from .recovery import recover_interrupted

logger = logging.getLogger(__name__)

DATABASE_DOWN = (OperationalError, InterfaceError)
RECOVER_EVERY = timedelta(seconds=5)
# Between two attempts to reach the database: short, since a restart takes seconds.
RECONNECT_EVERY = (0.5, 5.0)


class Worker(db_worker.Worker):
    def __init__(self, **options):
        super().__init__(**options)
        self.heartbeat = Heartbeat(self.worker_id)
        self._recovered_at = float("-inf")

    def run(self) -> None:
        logger.info("Starting worker worker_id=%s queues=%s", self.worker_id, self.queue_names)
        if self.startup_delay and self.interval:
            time.sleep(random.random())  # noqa: S311 (not a secret: spreads workers' starts)
        self._until_database_answers(self._start_beating)
        try:
            while self.running:
                try:
                    if self._step():
                        return
                except DATABASE_DOWN as error:
                    if self.batch:
                        raise  # a one-off run fails rather than waits
                    self._wait_for_database(error)
        finally:
            self.heartbeat.stop()

    def _start_beating(self) -> None:
        # A batch run (the tests', a one-off run) beats from its loop only: a second
        # thread writing would be refused by the tests' in-memory SQLite.
        self.heartbeat.start(thread=not self.batch)

    def _step(self) -> bool:
        """One turn of the library's loop; whether the worker is done."""
        close_old_connections()
        self._recover_if_due()
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        retrieved = True
        with exclusive_transaction(tasks.db):
            try:
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)
            except OperationalError as error:
                if not is_locked_database_exception(error):
                    raise
                task_result, retrieved = None, False
        if task_result is not None:
            self.run_task(task_result)
        if self.batch and retrieved and task_result is None:
            return True
        if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
            logger.info(
                "Ran the maximum of %d tasks: worker %s ends", self.max_tasks, self.worker_id
            )
            return True
        close_old_connections()
        if self.running and task_result is None:
            time.sleep(self.interval)
        return False

    def _recover_if_due(self) -> None:
        if time.monotonic() - self._recovered_at < RECOVER_EVERY.total_seconds():
            return
        if self.batch:
            self.heartbeat.beat_now()
        recover_interrupted(worker_id=self.worker_id)
        self._recovered_at = time.monotonic()

    def _wait_for_database(self, error: Exception) -> None:
        logger.warning(
            "worker %s: the database is out of reach (%s); waiting", self.worker_id, error
        )
        started = time.monotonic()
        self._until_database_answers(lambda: connection.cursor().execute("SELECT 1"))
        logger.warning(
            "worker %s: the database is back after %.1f s",
            self.worker_id,
            time.monotonic() - started,
        )
        # What it was running when the database went away may have lost its outcome.
        self._recovered_at = float("-inf")

    def _until_database_answers(self, then) -> None:
        pause, longest = RECONNECT_EVERY
        while True:
            try:
                then()
                return
            except DATABASE_DOWN:
                # A connection that failed is not used again: the next try opens one.
                connection.close()
                time.sleep(pause)
                pause = min(pause * 2, longest)
