"""Workbooks built as a ministry's spreadsheet would leave them, for the upload tests."""

import io
import zipfile

from django.urls import reverse
from openpyxl import load_workbook

from assessments.workbook_layout import FIRST_ANSWER_ROW, KEY_ROW


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
