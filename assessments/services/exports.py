"""The submitted PDFs of several States as one ZIP, built by a worker at the secretariat's
request (`Export`); the task `build_pdf_zip` is here, beside the service it runs."""

import shutil
import tempfile
import zipfile

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from ..models import Assessment, Export, ExportState, Submission
from ..storing import storing
from .reports import submission_pdf_retry


def write_pdf_zip(assessments, target) -> list[str]:
    """Write every submitted version of the selected assessments, as stored, as a ZIP
    into the file object `target`; the names of the PDFs still missing.

    Only stored files are copied, one at a time; nothing is rendered. A missing PDF is
    named in MISSING.txt and its rendering queued again if due.
    """
    submissions = Submission.objects.filter(assessment__in=assessments).order_by(
        "assessment__member_state__name", "number"
    )
    missing = []
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for submission in submissions.iterator():
            if not submission.pdf:
                submission_pdf_retry(submission)
                missing.append(submission.pdf_filename())
                continue
            with (
                submission.pdf.open("rb") as pdf,
                archive.open(submission.pdf_filename(), "w") as member,
            ):
                shutil.copyfileobj(pdf, member)
        if missing:
            archive.writestr(
                _("MISSING.txt"),
                _("These country reports are still being prepared; try again later:")
                + "\n"
                + "\n".join(missing)
                + "\n",
            )
    return missing


@transaction.atomic
def export_pdf_zip_request(*, assessments, requested_by, filename: str) -> Export:
    """Record the secretariat's request for a ZIP of PDFs and queue its building."""
    export = Export.objects.create(
        requested_by=requested_by,
        assessment_ids=sorted(assessments.values_list("pk", flat=True)),
        filename=filename,
    )

    transaction.on_commit(lambda: build_pdf_zip.enqueue(export.pk))
    return export


def export_pdf_zip_build(*, export: Export) -> Export:
    """Build a requested ZIP into storage (spooled to disk beyond a few MiB, so that 193
    States' reports need not fit in memory); a failure is recorded on the export."""
    if export.state == ExportState.READY:
        return export
    try:
        with (
            tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as spool,
            storing() as files,  # no ZIP, whole or partial, without its export marked ready
        ):
            assessments = Assessment.objects.filter(pk__in=export.assessment_ids)
            write_pdf_zip(assessments, spool)
            spool.seek(0)
            files.store(export.file, export.filename, File(spool))
            export.state, export.error, export.finished_at = (
                ExportState.READY,
                "",
                timezone.now(),
            )
            export.save(update_fields=["file", "state", "error", "finished_at"])
    except Exception as error:
        export.file = ""
        export.state, export.error = ExportState.FAILED, f"{type(error).__name__}: {error}"[:2000]
        export.finished_at = timezone.now()
        export.save(update_fields=["file", "state", "error", "finished_at"])
        raise
    return export


@task()
def build_pdf_zip(export_pk: int) -> str:
    """Build a ZIP of submitted PDFs the secretariat asked for; a failure is recorded on
    the export (and fails the task)."""
    export_pdf_zip_build(export=Export.objects.get(pk=export_pk))
    return "ready"
