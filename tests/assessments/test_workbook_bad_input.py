"""Every bad workbook is refused with the sheet, row and column named, and nothing saved."""

import io
import re
import time
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook

from assessments import limits
from assessments.models import Answer, AnswerChange, AssessmentStatus
from assessments.workbook.archive import TagCounts, count_tags
from assessments.workbook.refusals import WorkbookRefused
from assessments.workbook.upload import read_workbook
from tests.assessments.workbook_files import (
    column_of,
    damage,
    download,
    edit,
    open_book,
    rezip,
    rezip_replacing,
    save,
    upload,
)


@pytest.fixture
def downloaded(client, focal_point_norway, norway_assessment):
    client.force_login(focal_point_norway)
    return download(client, norway_assessment)


def refused(client, assessment, data, name="answers.xlsx") -> list[str]:
    before = list(
        Answer.objects.order_by("pk").values_list("status", "evidence", "links", "version")
    )
    result = upload(client, assessment, data, name=name)
    assert result.status_code == 400
    assert "Nothing has been saved." in result.content.decode()
    assert (
        list(Answer.objects.order_by("pk").values_list("status", "evidence", "links", "version"))
        == before
    )
    assert not AnswerChange.objects.exists()
    assert f"workbook-plan-{assessment.pk}" not in client.session
    return [str(error) for error in result.context["errors"]]


def test_unknown_and_duplicated_codes(client, norway_assessment, downloaded):
    edited = edit(
        downloaded, {"2013-MS-02": {"code": "2099-MS-01"}, "2014-MS-01": {"code": "2013-MS-01"}}
    )
    errors = refused(client, norway_assessment, edited)
    assert errors == [
        "sheet “Answers”, row 4, column “Code”: 2099-MS-01 is not a recommendation of this "
        "assessment.",
        "sheet “Answers”, row 6, column “Code”: 2013-MS-01 is also in row 3: keep one row per "
        "recommendation.",
    ]


def test_a_row_without_a_code(client, norway_assessment, downloaded):
    edited = edit(downloaded, {"2013-MS-03": {"code": None, "evidence": "Orphan."}})
    assert refused(client, norway_assessment, edited) == [
        "sheet “Answers”, row 5, column “Code”: The code is missing."
    ]


def test_an_invalid_status(client, norway_assessment, downloaded):
    edited = edit(downloaded, {"2013-MS-02": {"status": "Mostly done"}})
    assert refused(client, norway_assessment, edited) == [
        "sheet “Answers”, row 4, column “Status”: “Mostly done” is not a status: choose one "
        "from the list."
    ]


def test_over_long_evidence_and_too_many_links(client, norway_assessment, downloaded):
    links = "\n".join(f"https://example.org/{n}" for n in range(11))
    edited = edit(
        downloaded,
        {"2013-MS-01": {"evidence": "x" * 10_001}, "2013-MS-02": {"links": links}},
    )
    errors = refused(client, norway_assessment, edited)
    assert errors[0].startswith("sheet “Answers”, row 3, column “Evidence”: Ensure this value")
    assert (
        errors[1] == "sheet “Answers”, row 4, column “Links (one per line)”: Give at most 10 links."
    )


def test_too_many_lines_of_evidence(client, norway_assessment, downloaded):
    edited = edit(downloaded, {"2013-MS-01": {"evidence": "line\n" * 101}})
    assert refused(client, norway_assessment, edited) == [
        "sheet “Answers”, row 3, column “Evidence”: Evidence may have at most 100 lines."
    ]


def test_text_the_report_cannot_print_is_refused_naming_its_cell(
    client, norway_assessment, downloaded
):
    # Accepted here, such text would be refused only at the submit (ReportUnprintable).
    edited = edit(
        downloaded,
        {
            "2013-MS-01": {"evidence": "Law 😀 of 2019"},
            "2013-MS-02": {"links": "https://example.org/𓀀"},
        },
    )
    assert refused(client, norway_assessment, edited) == [
        "sheet “Answers”, row 3, column “Evidence”: This text contains characters the country "
        "report cannot print: U+1F600. Remove them or replace them with ordinary text.",
        "sheet “Answers”, row 4, column “Links (one per line)”: This text contains characters "
        "the country report cannot print: U+13000. Remove them or replace them with ordinary "
        "text.",
    ]


def test_changes_over_the_assessments_total_name_the_sheet_and_the_total(
    client, monkeypatch, norway_assessment, downloaded
):
    monkeypatch.setattr(limits, "ASSESSMENT_EVIDENCE_MAX_CHARS", 10)
    edited = edit(
        downloaded, {"2013-MS-01": {"evidence": "x" * 6}, "2013-MS-02": {"evidence": "y" * 6}}
    )
    # No one row is over: the column says which total.
    assert refused(client, norway_assessment, edited) == [
        "sheet “Answers”, column “Evidence”: The evidence of all answers together may be at "
        "most 10 characters; this answer would take the assessment to 12."
    ]


def test_bad_links_are_refused_as_the_form_refuses_them(client, norway_assessment, downloaded):
    edited = edit(
        downloaded, {"2014-MS-02": {"links": "https://ok.example.org\njavascript:alert(1)"}}
    )
    assert refused(client, norway_assessment, edited) == [
        "sheet “Answers”, row 7, column “Links (one per line)”: “javascript:alert(1)” is not a "
        "web address starting with http:// or https://."
    ]


def test_missing_and_extra_columns(client, norway_assessment, downloaded):
    book = open_book(downloaded)
    sheet = book.worksheets[0]
    sheet.delete_cols(column_of(sheet, "links"))
    sheet.cell(1, 9, "comments")
    sheet.cell(4, 10, "A note in the margin")
    errors = refused(client, norway_assessment, save(book))
    assert errors == [
        "sheet “Answers”, row 2, column “I”: This column is not part of the workbook: remove it.",
        "sheet “Answers”, row 2, column “Links (one per line)”: This column is missing: download "
        "the workbook again and copy your answers into it.",
    ]
    book = open_book(downloaded)
    book.worksheets[0].cell(4, 10, "A note in the margin")
    assert refused(client, norway_assessment, save(book)) == [
        "sheet “Answers”, row 4, column “J”: This cell is outside the workbook's columns: empty it."
    ]


def test_reordered_columns_are_read_by_their_keys(client, norway_assessment, downloaded):
    book = open_book(downloaded)
    sheet = book.worksheets[0]
    # The evidence column moved to the far right, as cutting and inserting it would.
    sheet.move_range("F1:F7", cols=4)
    sheet.cell(4, 10).value = "Moved but read."
    assert upload(client, norway_assessment, save(book)).status_code == 302
    # Without its hidden keys row, a reordered sheet cannot be read.
    sheet.delete_rows(1)
    assert refused(client, norway_assessment, save(book)) == [
        "sheet “Answers”, row 1: The hidden first row, which names the columns, was removed or "
        "changed: download the workbook again and copy your answers into it."
    ]


def test_moved_sheets_are_found_by_their_keys(client, norway_assessment, downloaded):
    book = open_book(downloaded)
    book.move_sheet("Answers", offset=1)
    assert book.sheetnames[0] == "Instructions"
    book["Answers"]["F3"] = "Found on the second sheet."
    assert upload(client, norway_assessment, save(book)).status_code == 302


def test_another_states_workbook_names_both_assessments(
    client, focal_point_kenya, kenya_assessment, downloaded
):
    client.force_login(focal_point_kenya)
    assert refused(client, kenya_assessment, downloaded) == [
        "sheet “r2p_meta”, row 2, column “B”: This workbook belongs to the assessment of "
        "Norway for cycle 2025; it was uploaded to the assessment of Kenya for cycle 2025. "
        "Upload it on its own assessment's page, or download this assessment's workbook."
    ]


def test_a_workbook_of_another_assessment_of_the_same_state_and_cycle_names_them_once(
    client, norway_assessment, downloaded
):
    # As from another copy of the site, or an assessment started again.
    book = open_book(downloaded)
    book["r2p_meta"]["B2"] = norway_assessment.pk + 1000
    (error,) = refused(client, norway_assessment, save(book))
    assert error == (
        "sheet “r2p_meta”, row 2, column “B”: This workbook belongs to another assessment of "
        f"Norway for cycle 2025 (number {norway_assessment.pk + 1000}) than the one it was "
        f"uploaded to (number {norway_assessment.pk}), perhaps on another copy of this site: "
        "download this assessment's workbook and copy your answers into it."
    )
    assert error.count("Norway") == 1


def test_another_cycles_workbook(client, norway_assessment, downloaded):
    book = open_book(downloaded)
    book["r2p_meta"]["B4"] = "2024"
    assert "cycle 2024" in refused(client, norway_assessment, save(book))[0]


def test_a_tampered_version_is_named_by_its_row(client, norway_assessment, downloaded):
    book = open_book(downloaded)
    book["r2p_meta"]["B11"] = 7
    edited = edit(save(book), {"2013-MS-02": {"evidence": "Changed."}})
    assert refused(client, norway_assessment, edited) == [
        "sheet “r2p_meta”, row 11, column “B”: The version recorded for 2013-MS-02 is not one "
        "this answer has had."
    ]


def test_a_missing_version_names_the_answers_row(client, norway_assessment, downloaded):
    book = open_book(downloaded)
    book["r2p_meta"].delete_rows(11)  # the row of 2013-MS-02's version
    edited = edit(save(book), {"2013-MS-02": {"evidence": "Changed."}})
    assert refused(client, norway_assessment, edited) == [
        "sheet “Answers”, row 4, column “Code”: No version is recorded for 2013-MS-02."
    ]


def test_versions_saved_again_as_decimals_still_read(client, norway_assessment, downloaded):
    book = open_book(downloaded)
    meta = book["r2p_meta"]
    meta["B1"], meta["B2"], meta["B10"] = 1.0, float(norway_assessment.pk), 0.0
    edited = edit(save(book), {"2013-MS-01": {"evidence": "Saved by another spreadsheet."}})
    assert upload(client, norway_assessment, edited).status_code == 302
    meta["B10"] = "zero"
    assert refused(client, norway_assessment, save(book)) == [
        "sheet “r2p_meta”, row 10, column “B”: The recorded version is not a number."
    ]


def test_a_file_that_is_not_a_workbook(client, norway_assessment):
    client.force_login(norway_assessment.created_by)
    assert refused(client, norway_assessment, b"%PDF-1.7 not a workbook") == [
        "The file is not a workbook this site can read (.xlsx or .ods), or it is incomplete. "
        + SAVE_AS
    ]
    # A text document of LibreOffice, a Numbers document: archives, but no workbooks.
    text_document = _zip(
        {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b""}
    )
    for other in (_zip({"hello.txt": b"hi"}), _zip({"Index/Document.iwa": b"\0"}), text_document):
        assert refused(client, norway_assessment, other) == [
            "The file is neither an Excel workbook (.xlsx) nor an OpenDocument spreadsheet (.ods). "
            + SAVE_AS
        ]
    empty = upload(client, norway_assessment, b"")
    assert empty.status_code == 400
    assert "The submitted file is empty." in empty.content.decode()


SAVE_AS = (
    "Save it as an Excel workbook (.xlsx) or an OpenDocument spreadsheet (.ods) and upload "
    "that file: in LibreOffice, File › Save As…, file type “Excel 2007-365 (.xlsx)” or “ODF "
    "Spreadsheet (.ods)”; in Excel, File › Save As, “Excel Workbook (*.xlsx)”; in Numbers, "
    "File › Export To › Excel."
)
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def test_an_xls_workbook_is_refused_saying_how_to_save_it_as_xlsx(client, norway_assessment):
    client.force_login(norway_assessment.created_by)
    xls = OLE2 + b"\0" * 504 + "Workbook".encode("utf-16-le") + b"\0" * 1000
    assert refused(client, norway_assessment, xls, name="answers.xls") == [
        "The file is an Excel 97-2003 workbook (.xls), which this site cannot read. " + SAVE_AS
    ]


def test_a_workbook_protected_with_a_password_is_refused_as_such(client, norway_assessment):
    # Excel encrypts an .xlsx into a compound file, as an .xls is.
    client.force_login(norway_assessment.created_by)
    encrypted = OLE2 + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 1000
    assert refused(client, norway_assessment, encrypted) == [
        "The workbook is protected with a password, which this site cannot open: save it "
        "again without a password."
    ]


def _zip(parts: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_workbook_not_from_this_site(client, norway_assessment, downloaded):
    book = Workbook()
    book.active["A1"] = "Code"
    assert refused(client, norway_assessment, save(book)) == [
        "This workbook was not downloaded from this site: download the assessment's workbook."
    ]


def test_a_truncated_file(client, norway_assessment, downloaded):
    for cut in (len(downloaded) // 2, len(downloaded) - 30):
        errors = refused(client, norway_assessment, downloaded[:cut])
        assert errors == [
            "The file is not a workbook this site can read (.xlsx or .ods), or it is "
            "incomplete. " + SAVE_AS
        ]


DAMAGED = "The workbook cannot be read: it may be damaged or incomplete. Download it again."


def test_a_damaged_part(client, norway_assessment, downloaded):
    damaged = rezip_replacing(downloaded, b"<sheetData>", b"<sheetData><row")
    assert refused(client, norway_assessment, damaged) == [DAMAGED]


@pytest.mark.parametrize("checksum", [False, True], ids=["flipped-bytes", "wrong-checksum"])
@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "[Content_Types].xml"])
def test_a_part_damaged_inside_the_archive_is_refused_not_an_error(
    client, norway_assessment, downloaded, part, checksum
):
    # The archive's directory is sound, so it opens: the damage shows only when the
    # part is inflated (zlib.error) or its checksum compared (BadZipFile).
    assert refused(client, norway_assessment, damage(downloaded, part, checksum=checksum)) == [
        DAMAGED
    ]
    with pytest.raises(WorkbookRefused, match="damaged or incomplete"):
        read_workbook(
            data=damage(downloaded, part, checksum=checksum),
            filename="damaged.xlsx",
            assessment=norway_assessment,
        )


def test_a_zip_bomb_is_refused_from_its_directory(client, norway_assessment, downloaded):
    bomb = rezip(downloaded, add={"xl/media/padding.bin": b"\0" * (40 * 1024 * 1024)})
    assert len(bomb) < 200_000
    assert refused(client, norway_assessment, bomb) == [
        "The workbook unpacks to far more data than an assessment holds."
    ]


def test_a_macro_enabled_workbook_renamed_xlsx(client, norway_assessment, downloaded):
    with_macros = rezip(downloaded, add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro"})
    message = "The workbook contains macros; save it as a plain workbook (.xlsx or .ods)."
    assert refused(client, norway_assessment, with_macros) == [message]
    content_type = rezip_replacing(
        downloaded,
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    assert refused(client, norway_assessment, content_type) == [message]


def _refusal_cost(data, assessment):
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(WorkbookRefused) as refusal:
        read_workbook(data=data, filename="big.xlsx", assessment=assessment)
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return str(refusal.value.errors[0]), elapsed, peak


def test_a_50000_row_sheet_is_refused_quickly_in_bounded_memory(
    client, norway_assessment, downloaded
):
    book = open_book(downloaded)
    sheet = book.worksheets[0]
    for row in range(8, 50_003):
        sheet.cell(row, 1, f"2013-MS-{row:05}")
    data = save(book)
    # Whether the sheet declares its size or hides it, its rows are counted in the
    # raw XML before any parser reads it.
    hidden = re.sub(rb'<dimension ref="[^"]*" */>', b"", data_part(data))
    for variant in (data, rezip(data, {"xl/worksheets/sheet1.xml": hidden})):
        message, elapsed, peak = _refusal_cost(variant, norway_assessment)
        assert message == (
            "sheet “Answers”: The sheet has more than "
            f"{limits.WORKBOOK_MAX_ANSWER_ROWS + 10} rows; a workbook of an assessment has "
            "far fewer."
        )
        assert elapsed < 0.5
        assert peak < 20 * 1024 * 1024


def data_part(data: bytes) -> bytes:
    return zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")


SPREADSHEETML = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
LONG_PREFIX = "ns" + "é" * 300  # a valid prefix, longer than a chunk's carry is kept


def _as_written(part: bytes, how: str) -> bytes:
    """The sheet's XML as another spreadsheet might write it: rows without attributes,
    under another namespace prefix, or the whole part in UTF-16; no declared size."""
    part = re.sub(rb'<dimension ref="[^"]*" */>', b"", part)
    if how == "bare":
        return re.sub(rb"<row [^>]*>", b"<row>", part)
    if how == "utf-16":
        return part.decode().encode("utf-16")  # with its byte order mark
    prefix = {"prefixed": b"ss", "long-prefix": LONG_PREFIX.encode()}[how]
    part = part.replace(b"<row ", b"<" + prefix + b":row ").replace(
        b"</row>", b"</" + prefix + b":row>"
    )
    return part.replace(
        b'<worksheet xmlns="' + SPREADSHEETML + b'"',
        b'<worksheet xmlns="' + SPREADSHEETML + b'" xmlns:' + prefix + b'="' + SPREADSHEETML + b'"',
        1,
    )


@pytest.fixture
def fifty_thousand_rows(downloaded) -> bytes:
    """The downloaded workbook with 50,000 rows added to its answers sheet (in its XML:
    openpyxl takes seconds to write them)."""
    part = data_part(downloaded)
    rows = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c></row>' % (row, row)
        for row in range(8, 50_008)
    )
    return rezip(
        downloaded,
        {"xl/worksheets/sheet1.xml": part.replace(b"</sheetData>", rows + b"</sheetData>")},
    )


# (A long prefix on 50,000 rows compresses past MAX_RATIO: refused from the directory.)
@pytest.mark.parametrize("how", ["bare", "prefixed", "utf-16"])
def test_a_50000_row_sheet_written_another_way_is_refused_quickly(
    norway_assessment, fifty_thousand_rows, how
):
    part = _as_written(data_part(fifty_thousand_rows), how)
    assert b"<row r=" not in part and b"<dimension" not in part
    data = rezip(fifty_thousand_rows, {"xl/worksheets/sheet1.xml": part})
    message, elapsed, peak = _refusal_cost(data, norway_assessment)
    assert message == (
        "sheet “Answers”: The sheet has more than "
        f"{limits.WORKBOOK_MAX_ANSWER_ROWS + 10} rows; a workbook of an assessment has far "
        "fewer."
    )
    assert elapsed < 0.5
    assert peak < 20 * 1024 * 1024


@pytest.mark.parametrize("how", ["bare", "prefixed", "long-prefix", "utf-16"])
def test_rows_written_another_way_still_read(client, norway_assessment, downloaded, how):
    # What the quick count takes for rows is what openpyxl reads as rows.
    edited = edit(downloaded, {"2013-MS-01": {"evidence": "Read."}})
    part = _as_written(data_part(edited), how)
    assert (
        upload(
            client, norway_assessment, rezip(edited, {"xl/worksheets/sheet1.xml": part})
        ).status_code
        == 302
    )


ROWS_XML = (
    '<x:worksheet xmlns:x="m"><x:sheetData>'
    '<row r="1"><c/></row><row><c/></row><row/><row\n>'
    "<x:row><c/></x:row><ss.v-2:row/><" + LONG_PREFIX + ":row>"
    "<rows/><rowx/><x:rowa/><narrow/><x:y:row/><1:row/><!-- <row --><row\t/>"
    "<" + "a" * 100 + "row/><" + "a" * 100 + ":b:row/><" + "a" * 100 + "-1:row/>"
    "</x:sheetData></x:worksheet>"
).encode()


NO_BOUNDS = TagCounts(rows=10**9, cells=10**9, strings=10**9, elements=10**9)


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 5, 7, 64, 1000])
def test_tags_are_counted_exactly_across_chunk_boundaries(chunk_size):
    # 10 rows, the one in the comment among them: it is not a row to a parser, but
    # counting it errs only towards refusing, and no spreadsheet writes 1,000 of them.
    # 3 cells; 20 elements: the rows, the cells, <x:worksheet>, <x:sheetData> and the
    # elements of other names (<rows/>, <rowx/>, <x:rowa/>, <narrow/>, the long one).
    expected = TagCounts(rows=10, cells=3, strings=0, elements=20)
    assert count_tags(io.BytesIO(ROWS_XML), bounds=NO_BOUNDS, chunk_size=chunk_size) == expected
    utf16 = io.BytesIO(ROWS_XML.decode().encode("utf-16"))
    assert count_tags(utf16, bounds=NO_BOUNDS, chunk_size=chunk_size) == expected


def test_counting_stops_once_a_count_is_past_its_bound():
    cells = io.BytesIO(b"<c/>" * 100_000)
    counts = count_tags(cells, bounds=TagCounts(rows=10, cells=10, strings=10, elements=10**9))
    assert 10 < counts.cells <= 256 * 1024 // 4 and counts.elements == counts.cells


def test_a_value_far_below_the_answers_is_refused_naming_its_row(
    client, norway_assessment, downloaded
):
    book = open_book(downloaded)
    book.worksheets[0].cell(50_002, 1, "far below")
    message, elapsed, _peak = _refusal_cost(save(book), norway_assessment)
    assert message == (
        "sheet “Answers”, row 50002: The sheet has more than "
        f"{limits.WORKBOOK_MAX_ANSWER_ROWS} rows of answers."
    )
    assert elapsed < 0.5


@pytest.mark.parametrize("declared", ["A1:Z1048576", "A1:XFD1048576", "A1:A1", None], ids=str)
def test_the_size_a_sheet_declares_is_not_trusted_either_way(
    client, norway_assessment, downloaded, declared
):
    # As LibreOffice declares it after a row was deleted (with the empty row 1,048,576
    # it writes), wider, too small, or not at all: the cells read are the cells written.
    edited = edit(downloaded, {"2014-MS-02": {"evidence": "Read whatever the size says."}})
    part = data_part(edited)
    dimension = b"" if declared is None else b'<dimension ref="%s"/>' % declared.encode()
    part = re.sub(rb'<dimension ref="[^"]*" */>', dimension, part).replace(
        b"</sheetData>", b'<row r="1048576" ht="12.8" customHeight="1"/></sheetData>'
    )
    result = upload(client, norway_assessment, rezip(edited, {"xl/worksheets/sheet1.xml": part}))
    assert result.status_code == 302, result.context and result.context["errors"]
    assert len(client.session[f"workbook-plan-{norway_assessment.pk}"]["rows"]) == 1


def test_a_submitted_assessment_takes_no_workbook(client, norway_assessment, downloaded):
    edited = edit(downloaded, {"2013-MS-01": {"evidence": "Late."}})
    norway_assessment.status = AssessmentStatus.SUBMITTED
    norway_assessment.save()
    with pytest.raises(WorkbookRefused) as refusal:
        read_workbook(data=edited, filename="late.xlsx", assessment=norway_assessment)
    assert "has been submitted and is read-only" in str(refusal.value.errors[0])
    result = upload(client, norway_assessment, edited)
    assert result.status_code == 403
    assert "has been submitted and is read-only" in result.content.decode()
    assert norway_assessment.answers.get(recommendation__code="2013-MS-01").evidence == ""


def test_an_oversized_body_is_refused_before_it_is_read(client, norway_assessment, settings):
    settings.WORKBOOK_REQUEST_MAX_BYTES = 1000
    client.force_login(norway_assessment.created_by)
    result = upload(client, norway_assessment, b"x" * 5000)
    assert result.status_code == 413
