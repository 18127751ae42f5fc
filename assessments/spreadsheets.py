"""Spreadsheet files that show what is stored and never run it: cells that would read as
formulas, and the CSV and XLSX downloads of a table."""

import csv
import io

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

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
    # Most cells (codes, addresses, hashes) are printable ASCII, which clean_text leaves
    # as it is: cleaning every cell was half the time of a large file.
    if not (value.isascii() and value.isprintable()):
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


# Widths of the XLSX columns, in characters, in the order of the header.
XLSX_WIDTHS = (22, 8, 22, 8, 14, 24, 8, 22, 18, 14, 60, 12, 20, 60, 40, 30, 16)


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
