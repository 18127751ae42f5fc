"""Workbooks built as a ministry's spreadsheet would leave them, for the upload tests,
and the assessment that the committed LibreOffice workbooks were downloaded from."""

import io
import zipfile
from pathlib import Path

from django.urls import reverse
from openpyxl import load_workbook

from assessments.models import Answer, Assessment
from assessments.services.lifecycle import assessment_count_evidence, assessment_sync_answers
from assessments.workbook.layout import FIRST_ANSWER_ROW, KEY_ROW
from catalogue.models import Recommendation, Report, Section, Target

LIBREOFFICE_DATA = Path(__file__).parent / "data" / "libreoffice"
# The assessment the workbooks of LIBREOFFICE_DATA were downloaded from, as their hidden
# sheet records it: its number, and per answer (status, evidence, links, version). The
# tests make it again, so that those workbooks pass every check of the import as they
# are (LIBREOFFICE_DATA / "README.md" says how they were made).
LIBREOFFICE_ASSESSMENT_PK = 4242
LIBREOFFICE_ANSWERS = {
    "2013-MS-01": ("implemented", "Decree _x0041_ of 2019", ["https://example.org/decree"], 2),
    "2013-MS-02": ("partially_implemented", "Focal point named in 2020.\nA second line.", [], 1),
    "2013-MS-03": ("", "", [], 0),
    "2014-MS-01": ("not_started", "=1+1 stays text, as do x005F_ and _x005F_", [], 1),
    "2014-MS-02": ("implemented", "1.50", ["https://example.org/a", "https://example.org/b"], 3),
    "2015-MS-01": ("", "", [], 0),
    "2015-MS-02": ("", "", [], 0),
    "2015-MS-03": ("", "", [], 0),
    "2015-MS-04": ("partially_implemented", "Budget line 12.", [], 1),
}


def libreoffice_assessment(*, cycle, member_state, started_by) -> Assessment:
    """The assessment of LIBREOFFICE_ANSWERS, in `cycle` (the tests' own, from
    tests/assessments/conftest.py) with a third report of four recommendations added."""
    report = Report.objects.create(number=7, year=2015, symbol="A/69/1", title="Report 2015")
    section = Section.objects.create(
        report=report, target=Target.objects.get(code="MS"), paragraphs="1–5"
    )
    for position in range(1, 5):
        Recommendation.objects.create(
            section=section,
            position=position,
            code=f"2015-MS-{position:02d}",
            text=f"Recommendation {position} of 2015 to MS.",
        )
    cycle.reports.add(report)
    assessment = Assessment.objects.create(
        pk=LIBREOFFICE_ASSESSMENT_PK, member_state=member_state, cycle=cycle, created_by=started_by
    )
    assessment_sync_answers(assessment=assessment)
    for code, (status, evidence, links, version) in LIBREOFFICE_ANSWERS.items():
        Answer.objects.filter(assessment=assessment, recommendation__code=code).update(
            status=status, evidence=evidence, links=links, version=version
        )
    assert assessment.answers.count() == len(LIBREOFFICE_ANSWERS)
    assessment_count_evidence(assessment=assessment)
    assessment.refresh_from_db()
    return assessment


def download(client, assessment) -> bytes:
    response = client.get(reverse("assessments:workbook_download", args=[assessment.pk]))
    assert response.status_code == 200, response
    return b"".join(response.streaming_content)


def open_book(data: bytes):
    return load_workbook(io.BytesIO(data))


def save(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def column_of(sheet, key: str) -> int:
    for cell in sheet[KEY_ROW]:
        if cell.value == key:
            return cell.column
    raise KeyError(key)


def row_of(sheet, code: str) -> int:
    for row in range(FIRST_ANSWER_ROW, sheet.max_row + 1):
        if sheet.cell(row, column_of(sheet, "code")).value == code:
            return row
    raise KeyError(code)


def edit(data: bytes, changes: dict) -> bytes:
    """`changes`: {code: {column key: value}}, typed into the answers sheet."""
    book = open_book(data)
    sheet = book.worksheets[0]
    for code, values in changes.items():
        row = row_of(sheet, code)
        for key, value in values.items():
            sheet.cell(row, column_of(sheet, key)).value = value
    return save(book)


def upload(client, assessment, data: bytes, name="answers.xlsx"):
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse("assessments:workbook_upload", args=[assessment.pk]), {"file": file})


def rezip(data: bytes, replace: dict[str, bytes] | None = None, add=None) -> bytes:
    """The workbook's archive with some parts replaced or added."""
    replace, add = replace or {}, add or {}
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, replace.get(item.filename, source.read(item.filename)))
        for name, content in add.items():
            target.writestr(name, content)
    return buffer.getvalue()


def rezip_replacing(data: bytes, old: bytes, new: bytes) -> bytes:
    """The workbook with `old` replaced by `new` in every part's raw XML."""
    source = zipfile.ZipFile(io.BytesIO(data))
    return rezip(data, {name: source.read(name).replace(old, new) for name in source.namelist()})


def damage(data: bytes, name: str, *, checksum: bool = False) -> bytes:
    """The workbook with part `name` damaged inside its compressed data (some bytes
    flipped), or with a wrong checksum recorded for it: the archive still opens, and only
    reading the part fails."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    damaged = bytearray(data)
    if checksum:
        # The checksum zipfile compares with is the one in the central directory.
        end = data.rindex(b"PK\x05\x06")
        entry = int.from_bytes(data[end + 16 : end + 20], "little")
        while data[entry + 46 : entry + 46 + len(name)] != name.encode():
            entry = data.index(b"PK\x01\x02", entry + 4)
        damaged[entry + 16 : entry + 20] = (info.CRC ^ 0xFFFFFFFF).to_bytes(4, "little")
        return bytes(damaged)
    name_length = int.from_bytes(data[info.header_offset + 26 : info.header_offset + 28], "little")
    extra_length = int.from_bytes(data[info.header_offset + 28 : info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_length + extra_length
    middle = start + info.compress_size // 2
    for index in range(middle, middle + 8):
        damaged[index] ^= 0xFF
    return bytes(damaged)
