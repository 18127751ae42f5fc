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
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from catalogue.models import Recommendation, target_label

from .models import (
    Answer,
    AnswerStatus,
    Assessment,
    Attachment,
    Export,
    ExportState,
    Submission,
)
from .services import submission_pdf_retry
from .snapshot import readable
from .text import clean_text

# A spreadsheet treats a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A CSV value that a spreadsheet shows as typed, never runs: "=1+1" becomes "'=1+1".

    A CSV file has no cell types, so the apostrophe is the only way to say "text"; the
    XLSX export keeps the text exact instead (`xlsx_cell`). Text is cleaned as the forms
    clean it (assessments/text.py): answers stored before the forms did so may hold
    characters that make an XLSX file unreadable.
    """
    if not isinstance(value, str):
        return value
    value = clean_text(value)
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def xlsx_cell(sheet, value):
    """A value for a row of the write-only `sheet`, text kept exactly as stored.

    openpyxl would store "=1+1" as a formula: such text goes in a string cell marked
    with the quote prefix, as the delegation's workbook does (workbook_export.text_cell),
    so that it shows as typed, never runs and stays text when edited. Other values are
    appended as they are: a cell object for every value adds about a third to the time
    of a large export.
    """
    if not isinstance(value, str):
        return value
    value = clean_text(value)
    if not value.startswith(FORMULA_STARTS):
        return value
    cell = WriteOnlyCell(sheet, value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def export_header() -> list[str]:
    return [
        _("Member State"),
        _("ISO code"),
        _("Regional group"),
        _("Cycle"),
        _("Assessment status"),
        _("Source"),
        _("Report"),
        _("Report symbol"),
        _("Target"),
        _("Recommendation"),
        _("Recommendation text"),
        _("Paragraphs"),
        _("Status"),
        _("Evidence"),
        _("Links"),
        _("Attached files"),
        _("Last saved"),
    ]


# Widths of the XLSX columns, in characters, in the order of the header.
XLSX_WIDTHS = (22, 8, 22, 8, 14, 24, 8, 22, 18, 14, 60, 12, 20, 60, 40, 30, 16)


def _latest_submissions(assessments) -> dict[int, Submission]:
    latest = {}
    for submission in Submission.objects.filter(assessment__in=assessments).order_by("number"):
        latest[submission.assessment_id] = submission
    return latest


def export_rows(assessments, *, include_drafts: bool = False):
    """The rows of the selected assessments, in State and catalogue order.

    By default only what States submitted: the latest submitted version of each
    assessment, from its frozen snapshot (an assessment never submitted has no rows).
    With `include_drafts`, an assessment being edited (a draft, or returned) gives its
    live answers instead, marked as such in the Source column.
    """
    selected = (
        Assessment.objects.filter(pk__in=assessments.values("pk"))
        .select_related("member_state", "cycle")
        .order_by("member_state__name", "cycle__deadline")
    )
    latest = _latest_submissions(assessments)
    targets = dict(Recommendation.objects.values_list("code", "section__target__name"))
    for assessment in selected:
        if include_drafts and assessment.status in Assessment.EDITABLE_STATUSES:
            rows, source = _live_rows(assessment), _live_source(assessment)
        elif assessment.pk in latest:
            submission = latest[assessment.pk]
            rows = _snapshot_rows(submission.snapshot)
            source = _("Submitted version %(number)s, %(date)s") % {
                "number": submission.number,
                "date": submission.submitted_at.strftime("%Y-%m-%d"),
            }
        else:
            continue
        for row in rows:
            yield _table_row(assessment, source, row, target_label(targets.get(row["code"], "")))


def export_row(answer: Answer, files: list[str]) -> list:
    """One live answer's row under `export_header()`; the answer comes with its
    assessment's State and cycle and its recommendation's report, section and target."""
    assessment = answer.assessment
    return _table_row(
        assessment,
        _live_source(assessment),
        _live_row(answer, files),
        answer.recommendation.section.target.label,
    )


def _live_source(assessment: Assessment) -> str:
    if assessment.status in Assessment.EDITABLE_STATUSES:
        return _("Live draft, not submitted")
    # Read-only while submitted and final once accepted: the latest submitted version.
    return _("Submitted answers")


def _table_row(assessment: Assessment, source: str, row: dict, target: str) -> list:
    state = assessment.member_state
    return [
        state.name,
        state.iso3,
        state.get_regional_group_display(),
        assessment.cycle.code,
        assessment.get_status_display(),
        source,
        row["year"],
        row["symbol"],
        target,
        row["code"],
        row["text"],
        row["paragraphs"],
        row["status"],
        row["evidence"],
        "\n".join(row["links"]),
        "\n".join(row["files"]),
        row["updated_at"],
    ]


def _live_rows(assessment):
    files = defaultdict(list)
    for answer_id, name in Attachment.objects.filter(answer__assessment=assessment).values_list(
        "answer_id", "original_name"
    ):
        files[answer_id].append(name)
    answers = assessment.answers.with_catalogue().in_catalogue_order()
    for answer in answers.iterator(chunk_size=2000):
        yield _live_row(answer, files[answer.pk])


def _live_row(answer: Answer, files: list[str]) -> dict:
    recommendation = answer.recommendation
    return {
        "year": recommendation.section.report.year,
        "symbol": recommendation.section.report.symbol,
        "code": recommendation.code,
        "text": recommendation.text,
        "paragraphs": recommendation.section.paragraphs,
        "status": str(AnswerStatus(answer.status).label),
        "evidence": answer.evidence,
        "links": answer.links,
        "files": files,
        "updated_at": answer.updated_at.strftime("%Y-%m-%d %H:%M") if answer.updated_at else "",
    }


def _snapshot_rows(snapshot: dict):
    for report in readable(snapshot)["reports"]:
        for answer in report["answers"]:
            updated = answer.get("updated_at")
            yield {
                "year": report["year"],
                "symbol": report.get("symbol", ""),
                "code": answer["code"],
                "text": answer["text"],
                "paragraphs": answer["paragraphs"],
                # Format 1 snapshots hold the English label itself.
                "status": answer.get("status_label") or answer["status"],
                "evidence": answer["evidence"],
                "links": answer["links"],
                "files": [item["name"] for item in answer.get("attachments", [])],
                "updated_at": updated[:16].replace("T", " ") if updated else "",
            }


def export_filename(extension: str, *, include_drafts: bool) -> str:
    kind = "with-drafts" if include_drafts else "submitted"
    return f"r2p-assessments-{kind}-{timezone.now():%Y%m%d-%H%M}.{extension}"


def csv_response(assessments, filename: str, *, include_drafts: bool = False) -> HttpResponse:
    rows = export_rows(assessments, include_drafts=include_drafts)
    return table_csv_response(export_header(), rows, filename)


def xlsx_response(assessments, filename: str, *, include_drafts: bool = False) -> HttpResponse:
    rows = export_rows(assessments, include_drafts=include_drafts)
    return table_xlsx_response(export_header(), rows, filename, about=_about(include_drafts))


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


def table_xlsx_response(
    header: list[str], rows, filename: str, *, about: list[str]
) -> HttpResponse:
    """An XLSX download of `rows` under `header`, every cell made safe for spreadsheets,
    ready to filter; `about` says on a second sheet what the rows are."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Responses"))
    # Set before the first row, as a write-only sheet requires.
    sheet.freeze_panes = "A2"
    for index, width in enumerate(XLSX_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append(header)
    count = 0
    for row in rows:
        sheet.append([xlsx_cell(sheet, value) for value in row])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count + 1}"
    about_sheet = workbook.create_sheet(_("About this export"))
    for line in about:
        about_sheet.append([line])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    result["Content-Disposition"] = f'attachment; filename="{filename}"'
    return result


def exported_line() -> str:
    """When an export was made, for the sheet that says what it holds."""
    return _("Exported %(date)s UTC.") % {"date": timezone.now().strftime("%Y-%m-%d %H:%M")}


def _about(include_drafts: bool) -> list[str]:
    lines = [exported_line()]
    if include_drafts:
        lines.append(
            _(
                "Live drafts included: assessments being edited (draft or returned) give their "
                "current, unsubmitted answers; the others their latest submitted version. The "
                "Source column says which each row is."
            )
        )
    else:
        lines.append(
            _(
                "Submitted versions only: each assessment's latest submitted version, as it was "
                "frozen when submitted. Assessments never submitted are not included."
            )
        )
    return lines


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
