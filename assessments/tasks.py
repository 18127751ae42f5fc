"""Background work, run by `manage.py db_worker` (django-tasks, Django 6's API).

Each task takes primary keys and plain values (they are stored as JSON in the queue),
reads its rows again when it runs, and calls a service: the service holds the logic and
its guarantees (the PDF's claim, for one), the task only carries it out of the request.
A task is queued with `transaction.on_commit`, so that a worker never looks for a row
the request has not committed yet. E-mails follow the same pattern: their task,
`send_email`, lives with them in notifications.py.
"""

from django_tasks import task

from .exports import export_pdf_zip_build
from .models import Export, Submission
from .services import PdfNotReady, submission_store_pdf


@task()
def render_submission_pdf(submission_pk: int, *, retry_now: bool = False) -> str:
    """Render and store a submission's PDF, once.

    A rendering that fails is recorded on the submission and fails the task, so the
    queue shows it too; one claimed by another worker, or already stored, is not a
    failure.
    """
    submission = Submission.objects.get(pk=submission_pk)
    try:
        submission_store_pdf(submission, retry_now=retry_now)
    except PdfNotReady as not_ready:
        if not_ready.failed:
            raise
        return "claimed elsewhere"
    return "stored"


@task()
def build_pdf_zip(export_pk: int) -> str:
    """Build a ZIP of submitted PDFs the secretariat asked for; a failure is recorded on
    the export (and fails the task)."""
    export_pdf_zip_build(export=Export.objects.get(pk=export_pk))
    return "ready"
