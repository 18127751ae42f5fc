"""The delegation's assessment as a workbook to fill in offline (docs/workbooks.md)."""

import io

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from catalogue.models import shown_in

from . import limits
from .exports import FORMULA_STARTS
from .models import AnswerStatus, Assessment
from .text import clean_text
from .workbook_layout import (
    COLUMNS,
    FIRST_ANSWER_ROW,
    FORMAT_VERSION,
    HEADER_ROW,
    KEY_ROW,
    META_ANSWERS_ROW,
    META_ASSESSMENT,
    META_CYCLE,
    META_FORMAT,
    META_LANGUAGE,
    META_SHEET,
    META_STATE,
    META_STATUS_COLUMN,
    fingerprint,
)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WRAPPED = Alignment(wrap_text=True, vertical="top")
EDITABLE = Protection(locked=False)


def answered_statuses() -> list[tuple[str, str]]:
    """The statuses of the drop-down, in the active language (blank: not yet answered)."""
    return [
        (value, str(label))
        for value, label in AnswerStatus.choices
        if value != AnswerStatus.NOT_ANSWERED
    ]


def text_cell(cell, value: str) -> None:
    """Put `value` in `cell` as text that is shown as typed and never runs.

    openpyxl would store "=1+1" as a formula: the cell is typed as a string instead,
    and marked with the quote prefix, so that editing it in a spreadsheet keeps it text.
    """
    cell.value = clean_text(value)
    cell.data_type = "s"
    if cell.value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True


def workbook_filename(assessment: Assessment) -> str:
    """For example R2P-NOR-2025-answers.xlsx."""
    return f"R2P-{assessment.member_state.iso3}-{assessment.cycle.code}-answers.xlsx"


def build_workbook(*, assessment: Assessment) -> bytes:
    """The assessment's answers to Member State recommendations, in catalogue order, with
    what an upload needs to know what it was based on."""
    # Titles and recommendations in their official translation into the workbook's
    # language where there is one, as the pages show them.
    answers = list(
        assessment.answers.with_catalogue()
        .with_translations(through="recommendation__")
        .with_translations(through="recommendation__section__report__")
        .in_catalogue_order()
    )
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Answers")[:31]
    instructions = workbook.create_sheet(_("Instructions")[:31])
    meta = workbook.create_sheet(META_SHEET)
    statuses = answered_statuses()

    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.cell(KEY_ROW, index, column.key)
        header = sheet.cell(HEADER_ROW, index, str(column.label))
        header.font = Font(bold=True)
        header.alignment = WRAPPED
        sheet.column_dimensions[letter].width = column.width
    sheet.row_dimensions[KEY_ROW].hidden = True
    sheet.freeze_panes = sheet.cell(FIRST_ANSWER_ROW, 2)

    labels = dict(AnswerStatus.choices)
    for row, answer in enumerate(answers, start=FIRST_ANSWER_ROW):
        recommendation = answer.recommendation
        report = recommendation.section.report
        values = {
            "code": recommendation.code,
            "report": f"{report.year} – {shown_in(report, 'title').text}",
            "text": shown_in(recommendation, "text").text,
            "paragraphs": recommendation.section.paragraphs,
            "status": str(labels[answer.status]) if answer.is_answered else "",
            "evidence": answer.evidence,
            "links": "\n".join(answer.links),
        }
        for index, column in enumerate(COLUMNS, start=1):
            cell = sheet.cell(row, index)
            text_cell(cell, values[column.key])
            cell.alignment = WRAPPED
            if column.editable:
                cell.protection = EDITABLE

    status_column = get_column_letter(
        next(index for index, column in enumerate(COLUMNS, start=1) if column.key == "status")
    )
    last_row = max(FIRST_ANSWER_ROW, FIRST_ANSWER_ROW + len(answers) - 1)
    choice = DataValidation(
        type="list",
        formula1=f"{META_SHEET}!${META_STATUS_COLUMN}$1:${META_STATUS_COLUMN}${len(statuses)}",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("Status"),
        error=_("Choose one of the statuses in the list, or leave the cell empty."),
    )
    choice.add(f"{status_column}{FIRST_ANSWER_ROW}:{status_column}{last_row}")
    sheet.add_data_validation(choice)
    # Protected without a password: it guards against slips, not against anyone. The
    # import checks everything whatever the protection.
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False

    _write_instructions(instructions, assessment)
    _write_meta(meta, assessment, answers, statuses)
    workbook.security = WorkbookProtection(lockStructure=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_instructions(sheet, assessment: Assessment) -> None:
    lines = [
        _("Self-assessment of %(state)s, %(cycle)s")
        % {"state": assessment.member_state, "cycle": assessment.cycle},
        _("Downloaded %(date)s UTC.") % {"date": timezone.now().strftime("%Y-%m-%d %H:%M")},
        "",
        _("How to fill in this workbook"),
        _(
            "1. Fill in the Status, Evidence and Links columns of the Answers sheet. The "
            "other columns are the catalogue's and cannot be changed."
        ),
        _(
            "2. Choose the status from the list in each cell, or leave it empty if not yet "
            "answered."
        ),
        _(
            "3. Put one web address per line in the Links column, each starting with https:// or http://."
        ),
        _(
            "4. Do not add, remove or rename columns or sheets, and do not change the codes: "
            "the upload finds each answer by its code."
        ),
        _(
            "5. Upload the workbook on the assessment's page. You will see every change it "
            "would make before anything is saved, and choose which version to keep where an "
            "answer was changed online since this download."
        ),
        "",
        _(
            "Formulas are not calculated: whatever is typed in a cell is saved as text. "
            "Evidence may be at most %(chars)s characters and %(lines)s lines per answer."
        )
        % {"chars": limits.EVIDENCE_MAX_CHARS, "lines": limits.EVIDENCE_MAX_LINES},
    ]
    sheet.column_dimensions["A"].width = 110
    for row, line in enumerate(lines, start=1):
        cell = sheet.cell(row, 1)
        text_cell(cell, line)
        cell.alignment = Alignment(wrap_text=True)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A4"].font = Font(bold=True)
    sheet.protection.sheet = True


def _write_meta(sheet, assessment: Assessment, answers, statuses) -> None:
    for row, (name, value) in enumerate(
        [
            (META_FORMAT, FORMAT_VERSION),
            (META_ASSESSMENT, assessment.pk),
            (META_STATE, assessment.member_state.iso3),
            (META_CYCLE, assessment.cycle.code),
            (META_LANGUAGE, get_language() or ""),
        ],
        start=1,
    ):
        sheet.cell(row, 1, name)
        sheet.cell(row, 2, value)
    for row, (_value, label) in enumerate(statuses, start=1):
        text_cell(sheet[f"{META_STATUS_COLUMN}{row}"], label)
    for row, answer in enumerate(answers, start=META_ANSWERS_ROW):
        sheet.cell(row, 1, answer.recommendation.code)
        sheet.cell(row, 2, answer.version)
        sheet.cell(row, 3, fingerprint(answer.content()))
    sheet.sheet_state = "veryHidden"
    sheet.protection.sheet = True
