"""A worker killed in the middle of a country report (SIGKILL: the out-of-memory killer,
a lost machine): the report is stored within a minute of a new worker starting, and
the killed task's record says it was interrupted."""

import hashlib
import time


def test_the_pdf_of_a_rendering_killed_midway_exists_within_a_minute_of_a_new_worker(
    outside_site,
):
    site = outside_site
    submission = int(site.python("from tests.operations.seed import submit; print(submit())"))
    doomed = site.start("tests/operations/slow_worker.py")
    running = site.wait_for(
        "SELECT id FROM django_tasks_database_dbtaskresult"
        " WHERE task_path LIKE %s AND status = 'RUNNING'",
        "%.render_submission_pdf",
        timeout=60,
    )
    assert running, site.stop_all()
    claimed = site.wait_for(
        "SELECT pdf_claimed_by_task FROM assessments_submission WHERE id = %s"
        " AND pdf_claimed_by_task IS NOT NULL",
        submission,
        timeout=10,
    )
    assert claimed, "the rendering never claimed the submission"
    doomed.kill()
    doomed.wait()

    started = time.monotonic()
    site.worker()
    stored = site.wait_for(
        "SELECT pdf, pdf_sha256 FROM assessments_submission WHERE id = %s AND pdf <> ''",
        submission,
        timeout=60,
    )
    took = time.monotonic() - started

    assert stored, f"no PDF 60 s after a new worker started:\n{site.stop_all()}"
    assert took < 60
    path, sha256 = stored
    assert hashlib.sha256((site.media / path).read_bytes()).hexdigest() == sha256
    (status, exception, traceback), *_ = site.query(
        "SELECT status, exception_class_path, traceback"
        " FROM django_tasks_database_dbtaskresult WHERE id = %s",
        running[0],
    )
    assert (status, exception) == ("FAILED", "operations.recovery.WorkerInterrupted")
    assert "stopped before the task ended; queued again as" in traceback
