"""A workbook that would cost too much to read is refused before any parser reads it,
naming the bound, whatever it declares: the cells (empty ones included), the shared
strings and the XML elements of what the file really holds are counted, .xlsx and .ods.
"""

import time
import zipfile
from io import BytesIO

import pytest

from assessments import limits
from assessments.workbook import ods as workbook_ods
from assessments.workbook import xlsx as workbook_xlsx
from assessments.workbook.refusals import WorkbookRefused
from assessments.workbook.upload import read_workbook
from tests.assessments.workbook_files import LIBREOFFICE_DATA, download, rezip

CELLS = (
    f"The workbook has more than {limits.WORKBOOK_MAX_CELLS} cells, empty ones included; a "
    "workbook of an assessment has far fewer. Delete the rows and columns added beyond the "
    "answers, or download the workbook again and copy your answers into it."
)
STRINGS = (
    f"The workbook has more than {limits.WORKBOOK_MAX_SHARED_STRINGS} different texts; a "
    "workbook of an assessment has far fewer."
)
ELEMENTS = (
    f"The workbook holds more than {limits.WORKBOOK_MAX_XML_ELEMENTS} XML elements; a "
    "workbook of an assessment has far fewer."
)


@pytest.fixture
def downloaded(client, focal_point_norway, norway_assessment):
    client.force_login(focal_point_norway)
    return download(client, norway_assessment)


class Parsed(BaseException):
    """Raised past the import's handling of a damaged file (an Exception)."""


@pytest.fixture
def never_parsed(monkeypatch):
    """Fails the test if a parser is asked to read the workbook."""

    def parse(data):
        raise Parsed

    monkeypatch.setattr(workbook_xlsx, "read_sheets", parse)
    monkeypatch.setattr(workbook_ods, "read_sheets", parse)


def refusal(data: bytes, assessment) -> tuple[str, float]:
    start = time.perf_counter()
    with pytest.raises(WorkbookRefused) as refused:
        read_workbook(data=data, filename="padded", assessment=assessment)
    return str(refused.value.errors[0]), time.perf_counter() - start


def _sheet(downloaded: bytes, padding: bytes) -> bytes:
    """The downloaded workbook with `padding` added to the first row of its answers."""
    part = zipfile.ZipFile(BytesIO(downloaded)).read("xl/worksheets/sheet1.xml")
    return rezip(
        downloaded, {"xl/worksheets/sheet1.xml": part.replace(b"</row>", padding + b"</row>", 1)}
    )


def test_a_sheet_padded_with_empty_cells_is_refused_before_it_is_read(
    norway_assessment, downloaded, never_parsed
):
    # 40,000 empty cells in one row: a few hundred kilobytes, seconds for openpyxl.
    padded = _sheet(downloaded, b'<c r="H1" s="0"/>' * 40_000)
    message, elapsed = refusal(padded, norway_assessment)
    assert message == CELLS
    assert elapsed < 0.5


def test_a_table_of_too_many_shared_strings_is_refused_before_it_is_read(
    norway_assessment, downloaded, never_parsed
):
    # The count the table declares is not read: its entries are counted.
    table = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1">'
        + b"".join(b"<si><t>%d</t></si>" % n for n in range(40_000))
        + b"</sst>"
    )
    message, elapsed = refusal(
        rezip(downloaded, add={"xl/sharedStrings.xml": table}), norway_assessment
    )
    assert message == STRINGS
    assert elapsed < 0.5


def test_a_string_of_too_many_runs_of_text_is_refused_before_it_is_read(
    norway_assessment, downloaded, never_parsed
):
    # One shared string, one cell: 76,000 runs of formatted text, two elements each.
    table = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si>'
        + b"<r><t/></r>" * 76_000
        + b"</si></sst>"
    )
    message, elapsed = refusal(
        rezip(downloaded, add={"xl/sharedStrings.xml": table}), norway_assessment
    )
    assert message == ELEMENTS
    assert elapsed < 0.5


def test_the_bounds_are_the_workbooks_not_each_parts(norway_assessment, downloaded, never_parsed):
    # Two parts of 20,000 empty cells each: neither is over, together they are.
    half = (
        b'<worksheet><sheetData><row r="1">' + b"<c/>" * 20_000 + b"</row></sheetData></worksheet>"
    )
    padded = rezip(downloaded, add={"xl/worksheets/sheet8.xml": half, "xl/extra.xml": half})
    assert refusal(padded, norway_assessment)[0] == CELLS


def test_a_document_type_declaration_is_refused_before_it_is_read(
    norway_assessment, downloaded, never_parsed
):
    # Its entities would expand as the parser reads, past every count ("billion laughs").
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<si><t>&c;&c;&c;&c;&c;&c;&c;&c;</t></si></sst>"
    )
    message, _elapsed = refusal(
        rezip(downloaded, add={"xl/sharedStrings.xml": laughs}), norway_assessment
    )
    assert message == (
        "The workbook cannot be read: it may be damaged or incomplete. Download it again."
    )


def _ods(content: bytes) -> bytes:
    return rezip((LIBREOFFICE_DATA / "unchanged.ods").read_bytes(), {"content.xml": content})


def _with_row(row: bytes) -> bytes:
    """LibreOffice's unchanged .ods with `row` added before the first row of its first
    sheet."""
    ods = (LIBREOFFICE_DATA / "unchanged.ods").read_bytes()
    content = zipfile.ZipFile(BytesIO(ods)).read("content.xml")
    return _ods(content.replace(b"<table:table-row ", row + b"<table:table-row ", 1))


def test_an_ods_padded_with_empty_cells_is_refused_before_it_is_read(
    norway_assessment, never_parsed
):
    padded = _with_row(
        b"<table:table-row>" + b"<table:table-cell/>" * 40_000 + b"</table:table-row>"
    )
    message, elapsed = refusal(padded, norway_assessment)
    assert message == CELLS
    assert elapsed < 0.5


@pytest.mark.parametrize(
    "row",
    [
        # One cell holding text, repeated a million times across, or down.
        b'<table:table-row><table:table-cell table:number-columns-repeated="1000000" '
        b'office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>',
        b'<table:table-row table:number-rows-repeated="1000000"><table:table-cell '
        b'office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>',
    ],
    ids=["across", "down"],
)
def test_an_ods_repeating_a_value_a_million_times_is_refused_without_expanding_it(
    norway_assessment, row
):
    message, elapsed = refusal(_with_row(row), norway_assessment)
    assert message == CELLS
    assert elapsed < 0.5


def test_an_ods_repeating_spaces_by_the_billion_is_refused_at_the_unpacked_bound(
    norway_assessment,
):
    # Each cell's text stops at Excel's 32,767 characters; together they are bounded too.
    cell = (
        b'<table:table-cell office:value-type="string"><text:p><text:s text:c="999999999"/>'
        b"</text:p></table:table-cell>"
    )
    message, elapsed = refusal(
        _with_row(b"<table:table-row>" + cell * 1_000 + b"</table:table-row>"), norway_assessment
    )
    assert message == "The workbook unpacks to far more data than an assessment holds."
    assert elapsed < 0.5
