"""Exports for the secretariat: one row per State × recommendation (CSV, XLSX), and the
submitted PDFs of several States as one ZIP, built by a worker (`Export`)."""

import csv
import io
import shutil
import tempfile
import zipfile
from collections import defaultdict

from django.core.files import File
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from .models import (
    ANSWER_ORDER,
    Answer,
    AnswerStatus,
    Assessment,
    Attachment,
    Export,
    ExportState,
    Submission,
)
from .services import submission_pdf_retry
from .text import clean_text

# A spreadsheet treats a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text that a spreadsheet shows as typed, never runs: "=1+1" becomes "'=1+1".

    Text is cleaned as the forms clean it (assessments/text.py): answers stored before
    the forms did so may hold characters that make an XLSX file unreadable.
    """
    if not isinstance(value, str):
        return value
    value = clean_text(value)
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export_header() -> list[str]:
    return [
        _("Member State"),
        _("ISO code"),
        _("Regional group"),
        _("Cycle"),
        _("Assessment status"),
        _("Report"),
        _("Recommendation"),
        _("Paragraphs"),
        _("Status"),
        _("Evidence"),
        _("Links"),
        _("Attached files"),
        _("Last saved"),
    ]


def export_rows(assessments):
    """The rows of the selected assessments, in State, report and catalogue order."""
    answers = (
        Answer.objects.filter(assessment__in=assessments)
        .with_catalogue()
        .select_related("assessment__member_state", "assessment__cycle")
        .order_by("assessment__member_state__name", "assessment__cycle__deadline", *ANSWER_ORDER)
    )
    files = defaultdict(list)
    for answer_id, name in Attachment.objects.filter(
        answer__assessment__in=assessments
    ).values_list("answer_id", "original_name"):
        files[answer_id].append(name)
    for answer in answers.iterator(chunk_size=2000):
        yield export_row(answer, files[answer.pk])


def export_row(answer: Answer, files: list[str]) -> list:
    """One answer's row under `export_header()`; the answer comes with its assessment's
    State and cycle and its recommendation's report and section."""
    assessment, recommendation = answer.assessment, answer.recommendation
    state = assessment.member_state
    return [
        state.name,
        state.iso3,
        state.get_regional_group_display(),
        assessment.cycle.code,
        assessment.get_status_display(),
        recommendation.section.report.year,
        recommendation.code,
        recommendation.section.paragraphs,
        str(AnswerStatus(answer.status).label),
        answer.evidence,
        "\n".join(answer.links),
        "\n".join(files),
        answer.updated_at.strftime("%Y-%m-%d %H:%M") if answer.updated_at else "",
    ]


def csv_response(assessments, filename: str) -> HttpResponse:
    return table_csv_response(export_header(), export_rows(assessments), filename)


def xlsx_response(assessments, filename: str) -> HttpResponse:
    return table_xlsx_response(export_header(), export_rows(assessments), filename)


def table_csv_response(header: list[str], rows, filename: str) -> HttpResponse:
    """A CSV download of `rows` under `header`, every cell made safe for spreadsheets."""
    result = HttpResponse(content_type="text/csv; charset=utf-8")
    result["Content-Disposition"] = f'attachment; filename="{filename}"'
    result.write("\ufeff")  # so that Excel reads the file as UTF-8
    writer = csv.writer(result)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return result


def table_xlsx_response(header: list[str], rows, filename: str) -> HttpResponse:
    """An XLSX download of `rows` under `header`, every cell made safe for spreadsheets."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Responses"))
    sheet.append(header)
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    result["Content-Disposition"] = f'attachment; filename="{filename}"'
    return result


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
    # Imported here: the task module calls this one.
    from .tasks import build_pdf_zip

    transaction.on_commit(lambda: build_pdf_zip.enqueue(export.pk))
    return export


def export_pdf_zip_build(*, export: Export) -> Export:
    """Build a requested ZIP into storage (spooled to disk beyond a few MiB, so that 193
    States' reports need not fit in memory); a failure is recorded on the export."""
    if export.state == ExportState.READY:
        return export
    try:
        with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as spool:
            assessments = Assessment.objects.filter(pk__in=export.assessment_ids)
            write_pdf_zip(assessments, spool)
            spool.seek(0)
            export.file.save(export.filename, File(spool), save=False)
    except Exception as error:
        export.state, export.error = ExportState.FAILED, f"{type(error).__name__}: {error}"[:2000]
        export.finished_at = timezone.now()
        export.save(update_fields=["state", "error", "finished_at"])
        raise
    export.state, export.error, export.finished_at = ExportState.READY, "", timezone.now()
    export.save(update_fields=["file", "state", "error", "finished_at"])
    return export
