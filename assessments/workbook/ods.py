"""The sheets of an OpenDocument spreadsheet (.ods, LibreOffice's own format) as the
import reads them: a small streaming reader of its content.xml.

No maintained library reads an ODS within bounded time and memory: odfpy builds the
whole document as a tree of Python objects and leaves tables to the caller, and the
readers built on it (pandas, pyexcel-ods) expand repeated rows and cells. LibreOffice
writes the empty rows after the last one as one row repeated a million times, and the
empty cells after the last column as one cell repeated 16,000 times: here an empty
repeat only moves the row or column number on, and a repeat that holds a value is
expanded within the workbook's bound on cells.

The archive was checked before (`workbook_archive`): its elements are counted, so the
parse costs what the file really holds. A document type declaration (and so any entity)
is refused: LibreOffice never writes one.
"""

import zipfile
from io import BytesIO
from xml.parsers import expat

from .. import limits
from .refusals import damaged, over_limit, too_much_data
from .sheets import RowValues, Sheet, ShownNumber

OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
# expat joins a namespace and a local name with this separator.
SEP = " "
CELLS = {f"{TABLE}{SEP}table-cell", f"{TABLE}{SEP}covered-table-cell"}
NUMBERS = {"float", "percentage", "currency"}
CHUNK_BYTES = 256 * 1024


def read_sheets(data: bytes) -> list[Sheet]:
    """The sheets of an ODS whose archive was checked, each cell as the text shown (a
    number also as its value: `ShownNumber`), a formula as its text (never calculated)."""
    reader = _Reader()
    parser = expat.ParserCreate(namespace_separator=SEP)
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.characters
    parser.StartDoctypeDeclHandler = _no_doctype
    parser.EntityDeclHandler = _no_doctype
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive, archive.open("content.xml") as part:
            for chunk in iter(lambda: part.read(CHUNK_BYTES), b""):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except (expat.ExpatError, ValueError, KeyError, zipfile.BadZipFile):
        raise damaged() from None
    return reader.sheets


def _no_doctype(*args) -> None:
    raise ValueError("a document type declaration")


class _Reader:
    """The expat handlers: sheets, rows and cells with their repeats, and the text of
    each cell's paragraphs (spans, links, spaces, tabs and line breaks in them)."""

    def __init__(self):
        self.sheets: list[Sheet] = []
        self.title: str | None = None
        self.rows: list[tuple[int, RowValues]] = []
        self.row_number = 1
        self.row: RowValues | None = None
        self.row_repeat = 1
        self.column = 1
        self.cell: dict | None = None
        self.text: list[str] = []
        self.chars = 0  # of the cell being read
        self.paragraphs = 0
        self.in_paragraph = 0
        self.skipping = 0  # depth inside what a cell holds besides its text: notes, drawings
        self.cells = 0  # read, repeats included
        self.total_chars = 0

    def start(self, name: str, attributes: dict) -> None:
        if self.skipping:
            self.skipping += 1
        elif self.cell is not None:
            self._start_in_cell(name, attributes)
        elif name == f"{TABLE}{SEP}table":
            if self.title is not None:
                raise ValueError("a table inside a table")
            self.title = attributes.get(f"{TABLE}{SEP}name", "")
            self.rows, self.row_number = [], 1
        elif self.title is None:
            return
        elif name == f"{TABLE}{SEP}table-row":
            self.row, self.column = {}, 1
            self.row_repeat = _count(attributes.get(f"{TABLE}{SEP}number-rows-repeated"))
        elif name in CELLS and self.row is not None:
            self.cell = attributes
            self.text, self.chars, self.paragraphs, self.in_paragraph = [], 0, 0, 0

    def _start_in_cell(self, name: str, attributes: dict) -> None:
        namespace, _sep, local = name.partition(SEP)
        if namespace != TEXT:
            self.skipping = 1
        elif local == "p" or local == "h":
            if self.paragraphs:
                self._add("\n")
            self.paragraphs += 1
            self.in_paragraph += 1
        elif not self.in_paragraph:
            self.skipping = 1  # a list, a section: not a cell's text
        elif local == "s":
            room = limits.WORKBOOK_MAX_CELL_CHARS - self.chars
            self._add(" " * min(_count(attributes.get(f"{TEXT}{SEP}c")), max(room, 0)))
        elif local == "tab":
            self._add("\t")
        elif local == "line-break":
            self._add("\n")
        elif local == "note":
            self.skipping = 1

    def characters(self, data: str) -> None:
        if self.in_paragraph and not self.skipping:
            self._add(data)

    def _add(self, text: str) -> None:
        text = text[: max(limits.WORKBOOK_MAX_CELL_CHARS - self.chars, 0)]
        self.chars += len(text)
        self.total_chars += len(text)
        if self.total_chars > limits.WORKBOOK_MAX_UNPACKED_BYTES:
            raise too_much_data()
        self.text.append(text)

    def end(self, name: str) -> None:
        if self.skipping:
            self.skipping -= 1
        elif self.cell is not None and name not in CELLS:
            if name in (f"{TEXT}{SEP}p", f"{TEXT}{SEP}h"):
                self.in_paragraph -= 1
        elif name in CELLS and self.cell is not None:
            self._end_cell()
        elif name == f"{TABLE}{SEP}table-row" and self.row is not None:
            if self.row:
                # Its cells were counted once as they were read.
                self._count_cells(len(self.row) * (self.row_repeat - 1))
                self.rows.extend((self.row_number + n, self.row) for n in range(self.row_repeat))
            self.row_number += self.row_repeat
            self.row = None
        elif name == f"{TABLE}{SEP}table" and self.title is not None:
            self.sheets.append(Sheet(self.title, self.rows))
            self.title = None

    def _end_cell(self) -> None:
        attributes, self.cell = self.cell, None
        repeat = _count(attributes.get(f"{TABLE}{SEP}number-columns-repeated"))
        value = _value(attributes, "".join(self.text))
        if value is not None:
            self._count_cells(repeat)
            for n in range(repeat):
                self.row[self.column + n] = value
        self.column += repeat

    def _count_cells(self, count: int) -> None:
        self.cells += count
        if self.cells > limits.WORKBOOK_MAX_CELLS:
            raise over_limit("cells")


def _value(attributes: dict, text: str):
    """What the import reads of a cell: a formula as typed, a number as its value and
    its shown text, anything else (text, a date, a truth value) as shown."""
    formula = attributes.get(f"{TABLE}{SEP}formula")
    if formula:
        # Stored with its syntax's namespace: "of:=1+1".
        return formula.partition(":")[2] if formula.startswith(("of:", "oooc:")) else formula
    if attributes.get(f"{OFFICE}{SEP}value-type") in NUMBERS:
        try:
            return ShownNumber(float(attributes.get(f"{OFFICE}{SEP}value", "")), text)
        except ValueError:
            pass
    return text or None


def _count(value: str | None) -> int:
    """A repeat or space count: 1 when absent; damaged when not a positive number."""
    if value is None:
        return 1
    if not value.isascii() or not value.isdigit() or int(value) < 1:
        raise ValueError(f"not a count: {value!r}")
    return int(value)
