"""The country report of each submission: rendered from its snapshot by a worker, once,
stored with its SHA-256; a rendering that failed or died is queued again. The task
`render_submission_pdf` is here, beside the service it runs."""

import hashlib
import logging
from datetime import timedelta
from typing import NamedTuple

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, TaskResultStatus

from ..documents import pdf
from ..models import (
    Submission,
)
from ..storing import StorageFailed, storing

logger = logging.getLogger(__name__)


class PdfNotReady(Exception):
    """The submission's PDF is not stored: its rendering failed (`failed`), or is under way."""

    def __init__(self, submission: Submission, *, failed: bool = False):
        super().__init__(_("The country report of this submission is not ready yet."))
        self.submission = submission
        self.failed = failed


# A rendering that neither stored a PDF nor recorded a failure within this time died
# with its process; a failed one is tried again after it too.
PDF_RETRY_AFTER = timedelta(minutes=2)


def submission_store_pdf(
    submission: Submission, *, retry_now: bool = False, task_id: str | None = None
) -> Submission:
    """Render a submission's country report from its snapshot and keep it; only once.

    The stored file is what the submission's PDF *is*: later changes of live data,
    templates or the catalogue never reach it. A rendering first claims the submission
    (one at a time, and a failed one is retried only after PDF_RETRY_AFTER unless
    `retry_now`); a failure is recorded for the secretariat and raises PdfNotReady. A
    claim made by the worker's task `task_id` ends when that task does: a rendering
    interrupted with its worker is taken over as soon as its task is recorded as
    interrupted (operations/recovery.py).
    """
    if submission.pdf:
        return submission
    now = timezone.now()
    unclaimed = Q(pdf_attempted_at=None) | Q(pdf_attempted_at__lt=now - PDF_RETRY_AFTER)
    if retry_now:
        unclaimed |= Q(pdf_attempted_at__lt=now)
    ended_tasks = DBTaskResult.objects.exclude(status=TaskResultStatus.RUNNING)
    unclaimed |= Q(pdf_claimed_by_task__in=ended_tasks.values("id"))
    claimed = Submission.objects.filter(unclaimed, pk=submission.pk, pdf="").update(
        pdf_attempted_at=now, pdf_attempts=F("pdf_attempts") + 1, pdf_claimed_by_task=task_id
    )
    if not claimed:
        stored = Submission.objects.get(pk=submission.pk)
        if stored.pdf:
            return stored
        raise PdfNotReady(stored)
    try:
        document = pdf.render_country_report(submission.snapshot)
    except Exception as error:
        logger.exception("The PDF of submission %s could not be rendered", submission.pk)
        raise _pdf_failed(submission, error) from error
    try:
        return _pdf_keep(submission, document)
    except StorageFailed as error:
        # Logged by the storing. Recorded like a failed rendering: the download says
        # so, the task fails, and the retries render it again once there is room.
        raise _pdf_failed(submission, error) from error


def _pdf_keep(submission: Submission, document: bytes) -> Submission:
    """Store a rendered PDF with its row, or neither (`storing`)."""
    with storing() as files, transaction.atomic():
        stored = Submission.objects.select_for_update().get(pk=submission.pk)
        if stored.pdf:  # stored meanwhile by a rendering whose claim had expired
            return stored
        files.store(stored.pdf, stored.pdf_filename(), ContentFile(document))
        stored.pdf_sha256 = hashlib.sha256(document).hexdigest()
        stored.pdf_rendered_at = timezone.now()
        stored.pdf_error = ""
        stored.save(update_fields=["pdf", "pdf_sha256", "pdf_rendered_at", "pdf_error"])
    return stored


def _pdf_failed(submission: Submission, error: Exception) -> PdfNotReady:
    """Record why the PDF is missing, for the secretariat and the retry command."""
    Submission.objects.filter(pk=submission.pk).update(
        pdf_error=f"{type(error).__name__}: {error}"[:2000]
    )
    submission.refresh_from_db()
    return PdfNotReady(submission, failed=True)


def submission_pdf_enqueue(*, submission_pk: int, retry_now: bool = False) -> None:
    """Queue the rendering of a submission's PDF; the worker runs submission_store_pdf."""

    render_submission_pdf.enqueue(submission_pk, retry_now=retry_now)


def submission_pdf_retry_due(submission: Submission) -> bool:
    """Whether a missing PDF should be queued again: its last rendering failed or died
    (or its task was lost) more than PDF_RETRY_AFTER ago."""
    if submission.pdf:
        return False
    last = submission.pdf_attempted_at or submission.submitted_at
    return last < timezone.now() - PDF_RETRY_AFTER


def submission_pdf_retry(submission: Submission) -> bool:
    """Queue a retry of a missing PDF if one is due and none was queued within
    PDF_RETRY_AFTER (downloads call this on every visit); whether one was queued."""
    if not submission_pdf_retry_due(submission):
        return False
    # One retry per attempt and period, across every web process (the cache is the
    # database table that the rate limits share): the next attempt, or a retry whose
    # task was lost with its worker, opens the way for the next one.
    attempt = submission.pdf_attempted_at.isoformat() if submission.pdf_attempted_at else "none"
    key = f"pdf-retry:{submission.pk}:{attempt}"
    if not cache.add(key, True, PDF_RETRY_AFTER.total_seconds()):
        return False
    submission_pdf_enqueue(submission_pk=submission.pk)
    return True


def submissions_missing_pdf():
    return Submission.objects.filter(pdf="").order_by("submitted_at")


def submissions_queue_missing_pdfs(*, retry_now: bool = False) -> int:
    """Queue the rendering of every missing PDF that is due (all of them with
    `retry_now`); how many were queued."""
    queued = 0
    for submission in submissions_missing_pdf():
        if retry_now:
            submission_pdf_enqueue(submission_pk=submission.pk, retry_now=True)
            queued += 1
        elif submission_pdf_retry(submission):  # not again while a retry is pending
            queued += 1
    return queued


class MissingPdfs(NamedTuple):
    rendered: int
    # Still missing, of which `failed` because their last rendering or storing failed
    # (now or within PDF_RETRY_AFTER); the others are being rendered elsewhere.
    missing: int
    failed: int


def submissions_render_missing_pdfs(*, retry_now: bool = False) -> MissingPdfs:
    """Render every stored submission's missing PDF in this process."""
    rendered = missing = failed = 0
    for submission in submissions_missing_pdf():
        try:
            submission_store_pdf(submission, retry_now=retry_now)
        except PdfNotReady as not_ready:
            missing += 1
            failed += not_ready.failed or bool(not_ready.submission.pdf_error)
        else:
            rendered += 1
    return MissingPdfs(rendered, missing, failed)


def _queued_task_id(context) -> str | None:
    """The running task's id in the database queue, the only queue whose records say
    when a task ended; None under another backend, whose claims end with time only."""
    result = context.task_result
    return result.id if isinstance(task_backends[result.backend], DatabaseBackend) else None


@task(takes_context=True)
def render_submission_pdf(context, submission_pk: int, *, retry_now: bool = False) -> str:
    """Render and store a submission's PDF, once.

    A rendering that fails is recorded on the submission and fails the task, so the
    queue shows it too; one claimed by another worker, or already stored, is not a
    failure.
    """
    submission = Submission.objects.get(pk=submission_pk)
    try:
        submission_store_pdf(submission, retry_now=retry_now, task_id=_queued_task_id(context))
    except PdfNotReady as not_ready:
        if not_ready.failed:
            raise
        return "claimed elsewhere"
    return "stored"
