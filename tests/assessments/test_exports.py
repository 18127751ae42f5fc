"""The secretariat's CSV and XLSX tables: text that looks like a formula never runs. The
XLSX keeps it exactly, as a string cell; a CSV, which has no cell types, prefixes it with
an apostrophe."""

import csv
import io

import pytest
from openpyxl import load_workbook

from assessments.spreadsheets import table_csv_response, table_xlsx_response

FORMULA_LIKE = ["=1+1", '=HYPERLINK("http://evil","x")', "+41 22 917 1234", "-5", "@SUM(A1)"]


def xlsx_row(values):
    result = table_xlsx_response(["Value"] * len(values), [values], "x.xlsx", about=[])
    return load_workbook(io.BytesIO(result.content)).worksheets[0][2]


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_the_xlsx_holds_formula_like_text_exactly_as_a_string_cell(text):
    [cell] = xlsx_row([text])
    assert cell.value == text  # no apostrophe added
    assert cell.data_type == "s"  # not "f": a formula would run when opened
    assert cell.quotePrefix  # and it stays text when edited in a spreadsheet


def test_the_xlsx_keeps_other_values_as_they_are():
    cells = xlsx_row(["Plain text", 2013, "Line\r\none\x0b", None])
    assert [cell.value for cell in cells] == ["Plain text", 2013, "Line\none", None]
    assert [cell.data_type for cell in cells[:2]] == ["s", "n"]
    assert not any(cell.quotePrefix for cell in cells)


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_the_csv_prefixes_formula_like_text_with_an_apostrophe(text):
    result = table_csv_response(["Value", "Other"], [[text, "Plain"]], "x.csv")
    rows = list(csv.reader(io.StringIO(result.content.decode("utf-8-sig"))))
    assert rows[1] == ["'" + text, "Plain"]
