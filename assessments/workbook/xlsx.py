"""The text of an Excel workbook (.xlsx) as Excel writes and reads it, and its sheets as
the import reads them (with openpyxl).

A character XML cannot hold is written `_xHHHH_` (a vertical tab: `_x000B_`); text that
would read as such an escape has its underscore escaped (`_x005F_`). openpyxl does
neither, so the export escapes as Excel does and the import decodes here: a delegation's
"Decree _x0041_ of 2019" stays exactly that, through Excel and LibreOffice alike.
"""

import io
import re
from collections.abc import Iterator

from openpyxl.reader.excel import ExcelReader
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

from .sheets import RowValues, Sheet

ESCAPE_RE = re.compile(r"_x([0-9A-Fa-f]{4})_")
# An underscore that starts what would read as an escape, the closing underscore of one
# included: "_x0041_x005F_" is written "_x005F_x0041_x005F_x005F_".
ESCAPE_START_RE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")


def excel_escape(text: str) -> str:
    """`text` as Excel stores it in a cell, to read back exactly as it is."""
    return ESCAPE_START_RE.sub("_x005F_", text)


def excel_unescape(text: str) -> str:
    """The text of a cell as stored: `_x005F_` is an underscore and `_xHHHH_` a
    character that XML cannot hold (a control character); any other `_xHHHH_` is text.

    That is how LibreOffice reads them. Excel decodes any `_xHHHH_`, but writes one only
    for those characters, escaping the underscore of text that looks like one; writers
    that escape nothing (openpyxl) leave typed text as typed, which this keeps too.
    """
    return ESCAPE_RE.sub(_unescaped, text)


def _unescaped(match: re.Match) -> str:
    code = int(match[1], 16)
    return chr(code) if code == 0x5F or code < 0x20 or code in (0xFFFE, 0xFFFF) else match[0]


def read_sheets(data: bytes) -> list[Sheet]:
    """The worksheets of an XLSX whose archive was checked (`workbook_archive`), with
    formulas as typed (never calculated). openpyxl raises many kinds of errors on a
    damaged file: the caller turns any of them into a refusal."""
    reader = _ExcelReader(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    reader.read()
    book = reader.wb
    try:
        return [Sheet(sheet.title, list(_rows(book, sheet))) for sheet in book.worksheets]
    finally:
        book.close()


class _ExcelReader(ExcelReader):
    """openpyxl's reader (load_workbook's), but for its shared strings: it deletes every
    "x005F_" from them, so "_x005F_" and "x005F_" typed in a cell would come back as
    "_" and "" (and Excel's escape of "_x0041_" only by chance as it was)."""

    def read_strings(self):
        self.shared_strings = []
        part = self.package.find(SHARED_STRINGS)
        if part is not None:
            with self.archive.open(part.PartName[1:]) as source:
                self.shared_strings = read_shared_strings(source)


SI, T, RUN = (f"{{{SHEET_MAIN_NS}}}{name}" for name in ("si", "t", "r"))


def read_shared_strings(source) -> list[str]:
    """The text of each shared string, as stored (escapes are decoded with the cell's
    value): its plain text or its runs of formatted text, without the phonetic reading
    that East Asian text may carry."""
    strings = []
    for _event, node in iterparse(source):
        if node.tag == SI:
            plain = node.find(T)
            texts = [plain.text or ""] if plain is not None else []
            texts += [run.findtext(T) or "" for run in node.iterfind(RUN)]
            strings.append("".join(texts))
            node.clear()
    return strings


def _rows(book, sheet) -> Iterator[tuple[int, RowValues]]:
    # openpyxl's own row parser, as its read-only worksheets use it, but without their
    # padding: they fill every row out to the width the sheet declares and every missing
    # row up to its declared height, and a declaration may say 16,384 columns or
    # 1,048,576 rows (LibreOffice's, after a row was deleted). Only cells read are kept.
    with sheet._get_source() as source:
        parser = WorkSheetParser(
            source,
            sheet._shared_strings,
            data_only=False,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        for number, cells in parser.parse():
            values = {
                cell["column"]: _value(cell["value"]) for cell in cells if cell["value"] is not None
            }
            if values:
                yield number, values


def _value(value):
    if isinstance(value, ArrayFormula):  # an array formula (Ctrl+Shift+Enter): its text
        value = value.text or ""
    return excel_unescape(value) if isinstance(value, str) else value
