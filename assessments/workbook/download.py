"""The delegation's assessment as a workbook to fill in offline (docs/workbooks.md)."""

import io
import math
import unicodedata

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from catalogue.models import shown_in

from .. import limits
from ..models import AnswerStatus, Assessment
from ..spreadsheets import FORMULA_STARTS
from ..text import clean_text
from .layout import (
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
from .xlsx import excel_escape

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WRAPPED = Alignment(wrap_text=True, vertical="top")
EDITABLE = Protection(locked=False)
# Excel's "Text" format: a date, a fraction, 1.50 or TRUE typed into the cell stays as
# typed instead of becoming a date or a number.
TEXT_FORMAT = "@"
# One line of 11-point Calibri, as Excel and LibreOffice space it, and the tallest row
# Excel allows.
LINE_POINTS = 15
MAX_ROW_POINTS = 409
# The instructions in one column, wrapped: about 700 pixels, a laptop screen's width.
INSTRUCTIONS_WIDTH = 100


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
    value = clean_text(value)
    # openpyxl writes text as it is, so text that reads as one of Excel's escapes
    # ("_x0041_") is escaped here as Excel would (workbook_xlsx).
    cell.value = excel_escape(value)
    cell.data_type = "s"
    if value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True


def wrapped_lines(text: str, width: float) -> int:
    """About how many lines `text` takes wrapped in a column `width` characters wide: a
    character of East Asian scripts takes two, and a line loses the end of a word."""
    per_line = max(int(width) - 1, 1)
    lines = 0
    for paragraph in text.split("\n"):
        length = len(paragraph)
        if not paragraph.isascii():
            length += sum(unicodedata.east_asian_width(char) in "WF" for char in paragraph)
        lines += max(math.ceil(length / per_line), 1)
    return lines


def fit_row(sheet, row: int, texts: list[tuple[str, float]], *, font_size: float = 11) -> None:
    """Make `row` tall enough for its `texts` (each with its column's width), wrapped:
    spreadsheets keep a row one line high until someone edits it. A row of one line of
    the usual font is left as it is, so that Excel still grows it as it is typed in."""
    scale = max(font_size, 11) / 11  # a larger font: fewer characters a line, taller lines
    lines = max((wrapped_lines(text, width / scale) for text, width in texts), default=1)
    if lines > 1 or scale > 1:
        points = lines * LINE_POINTS * scale
        sheet.row_dimensions[row].height = min(math.ceil(points), MAX_ROW_POINTS)


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
        dimension = sheet.column_dimensions[letter]
        dimension.width = column.width
        if column.editable:
            # The rows a delegation adds below or inserts take the column's format.
            dimension.number_format = TEXT_FORMAT
            dimension.protection = EDITABLE
    sheet.row_dimensions[KEY_ROW].hidden = True
    fit_row(sheet, HEADER_ROW, [(str(column.label), column.width) for column in COLUMNS])
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
                cell.number_format = TEXT_FORMAT
        fit_row(sheet, row, [(values[column.key], column.width) for column in COLUMNS])

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
            "4. You may sort the rows, and delete those you leave as they are: the upload "
            "finds each answer by its code, and a row deleted changes nothing. First "
            "unprotect the sheet (LibreOffice: Tools > Protect Sheet; Excel: Review > "
            "Unprotect Sheet): the protection only guards against slips. Do not change the "
            "codes, the sheets or the hidden first row, and type nothing in a column of "
            "your own: such a value is refused."
        ),
        _(
            "5. Save the workbook as an Excel workbook (.xlsx), as downloaded, or as an "
            "OpenDocument spreadsheet (.ods), LibreOffice's own format."
        ),
        _(
            "6. Upload the workbook on the assessment's page. You will see every change it "
            "would make before anything is saved, and choose which version to keep where an "
            "answer was changed online since this download."
        ),
        "",
        _(
            "Formulas are not calculated: whatever is typed in a cell is saved as text. "
            "Evidence may be at most %(chars)s characters and %(lines)s lines per answer."
        )
        % {"chars": limits.EVIDENCE_MAX_CHARS, "lines": limits.EVIDENCE_MAX_LINES},
        _(
            "The Status, Evidence and Links columns are formatted as text: a date or a "
            "number typed there is kept exactly as typed."
        ),
    ]
    sheet.column_dimensions["A"].width = INSTRUCTIONS_WIDTH
    sizes = {1: 14}
    for row, line in enumerate(lines, start=1):
        cell = sheet.cell(row, 1)
        text_cell(cell, line)
        cell.alignment = WRAPPED
        fit_row(sheet, row, [(line, INSTRUCTIONS_WIDTH)], font_size=sizes.get(row, 11))
    sheet["A1"].font = Font(bold=True, size=sizes[1])
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
