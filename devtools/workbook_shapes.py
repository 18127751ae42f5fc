"""Workbooks at and past the bounds of the upload (`assessments.limits`), for
`manage.py benchmark_workbook`: the worst one the bounds let a parser read, as .xlsx and
.ods, and the padded ones refused before any parser reads them."""

import io
import random
import zipfile
from dataclasses import dataclass
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

from assessments import limits
from assessments.models import AnswerStatus
from assessments.workbook.archive import TagCounts, count_tags
from assessments.workbook.layout import (
    COLUMNS,
    FIRST_ANSWER_ROW,
    FORMAT_VERSION,
    META_ANSWERS_ROW,
    META_ASSESSMENT,
    META_CYCLE,
    META_FORMAT,
    META_LANGUAGE,
    META_SHEET,
    META_STATE,
    fingerprint,
)

# Text that compresses as prose does (about 8 to 1): the bytes a workbook may unpack to
# must fit in an upload.
WORDS = (
    *("the", "national", "action", "plan", "assigns", "prevention", "of", "atrocity"),
    *("crimes", "to", "an", "inter", "ministerial", "committee", "chaired", "by"),
    *("ministry", "justice", "with", "budget", "line", "report", "annual", "review"),
    *("early", "warning", "civil", "society", "women", "youth", "training", "courts"),
)
SPREADSHEETML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
# Cells, shared strings and elements are filled to this share of their bound, so that
# what the spreadsheet's other parts hold does not take the workbook over.
FILL = 0.98


@dataclass
class Cell:
    text: str = ""
    number: int | None = None
    runs: int = 1  # the text in this many runs of formatted text (elements to read)


Rows = dict[int, dict[int, Cell]]


def prose(rng: random.Random, chars: int, lines: int = 1) -> str:
    """About `chars` characters of words, in `lines` lines."""
    per_line = max(chars // max(lines, 1) - 1, 1)
    return "\n".join(
        " ".join(rng.choice(WORDS) for _ in range(per_line // 6 + 1))[:per_line]
        for _ in range(lines)
    )


def worst_rows(
    *, assessment, answers: list, unpacked_bytes: int, within_totals: bool = True
) -> tuple[dict[str, Rows], list[Cell]]:
    """The assessment's sheets with every answer edited up to the assessment's totals
    (so that the upload is accepted), or up to the limits of one answer each (to be read
    in full and refused at the end, over the totals), and padded up to the bounds on
    rows of answers, columns, cells (empty ones) and text; with the padding texts, whose
    runs of formatted text `fill_elements` sets."""
    rng = random.Random(2025)  # noqa: S311 - the same workbook on every run, no secret
    count = len(answers)
    share = count if within_totals else 1
    chars = min(limits.EVIDENCE_MAX_CHARS, limits.ASSESSMENT_EVIDENCE_MAX_CHARS // share) - 10
    lines = min(limits.EVIDENCE_MAX_LINES, limits.ASSESSMENT_EVIDENCE_MAX_LINES // share)
    links = min(limits.LINKS_MAX, limits.ASSESSMENT_LINKS_MAX // share)
    label = str(AnswerStatus.IMPLEMENTED.label)
    answer_rows: Rows = {
        1: {index: Cell(column.key) for index, column in enumerate(COLUMNS, start=1)},
        2: {index: Cell(str(column.label)) for index, column in enumerate(COLUMNS, start=1)},
    }
    for row, answer in enumerate(answers, start=FIRST_ANSWER_ROW):
        link = "https://example.org/"
        answer_rows[row] = {
            1: Cell(answer.recommendation.code),
            2: Cell(str(answer.recommendation.section.report)),
            3: Cell(answer.recommendation.text),
            4: Cell(answer.recommendation.section.paragraphs),
            5: Cell(label),
            6: Cell(prose(rng, chars, lines)),
            7: Cell(
                "\n".join(
                    link + f"{n}/" + "a" * (limits.LINK_MAX_CHARS - len(link) - 5)
                    for n in range(links)
                )
            ),
        }
    meta_rows: Rows = {
        row: {1: Cell(name), 2: Cell(number=value) if isinstance(value, int) else Cell(value)}
        for row, (name, value) in enumerate(
            [
                (META_FORMAT, FORMAT_VERSION),
                (META_ASSESSMENT, assessment.pk),
                (META_STATE, assessment.member_state.iso3),
                (META_CYCLE, assessment.cycle.code),
                (META_LANGUAGE, "en"),
            ],
            start=1,
        )
    }
    statuses = [label for value, label in AnswerStatus.choices if value]
    for row, status in enumerate(statuses, start=1):
        meta_rows[row][5] = Cell(str(status))
    for row, answer in enumerate(answers, start=META_ANSWERS_ROW):
        meta_rows[row] = {
            1: Cell(answer.recommendation.code),
            2: Cell(number=answer.version),
            3: Cell(fingerprint(answer.content())),
        }
    # Padding: the rows of answers a workbook may have, with the recommendation's text
    # (which the import never reads) long, and empty cells out to the last column.
    last_row = FIRST_ANSWER_ROW + limits.WORKBOOK_MAX_ANSWER_ROWS - 1
    padding_rows = range(FIRST_ANSWER_ROW + count, last_row + 1)
    text_chars = max(unpacked_bytes // max(len(padding_rows), 1), 1)
    padding = [Cell(prose(rng, text_chars)) for _row in padding_rows]
    for row, cell in zip(padding_rows, padding, strict=True):
        # Every column's cell written, empty but for the text: no gap for an .ods to
        # repeat, as in the rows of answers.
        answer_rows[row] = {column: Cell() for column in range(1, len(COLUMNS) + 1)}
        answer_rows[row][3] = cell
    cells = sum(map(len, answer_rows.values())) + sum(map(len, meta_rows.values()))
    room = int(limits.WORKBOOK_MAX_CELLS * FILL) - cells
    # Empty cells have no bound on their columns but the cells': a spreadsheet writes
    # them for a format given to whole rows.
    column = len(COLUMNS)
    while room > 0:
        column += 1
        for row in range(FIRST_ANSWER_ROW, min(last_row, FIRST_ANSWER_ROW + room - 1) + 1):
            answer_rows[row][column] = Cell()
        room -= last_row - FIRST_ANSWER_ROW + 1
    return {"Answers": answer_rows, META_SHEET: meta_rows}, padding


def fill_elements(build, padding: list[Cell]) -> bytes:
    """The workbook `build()` makes, with the padding texts cut into runs of formatted
    text until its XML elements are near their bound."""
    # A run is one element more in an .ods (a span), two in an .xlsx (<r> and <t>):
    # measured between two and three runs a text, not assumed.
    elements = {}
    for runs in (2, 3):
        for cell in padding:
            cell.runs = runs
        elements[runs] = _elements(build())
    per_run = max(elements[3] - elements[2], 1)
    runs = 2 + (int(limits.WORKBOOK_MAX_XML_ELEMENTS * FILL) - elements[2]) // per_run
    for cell in padding:
        cell.runs = max(runs, 1)
    return build()


def _elements(data: bytes) -> int:
    return measure(data)[0].elements


def measure(data: bytes) -> tuple[TagCounts, int]:
    """What the upload's checks count in a workbook, all of it, and its unpacked size."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    unbounded = TagCounts(rows=10**9, cells=10**9, strings=10**9, elements=10**9)
    total = TagCounts()
    for name in archive.namelist():
        with archive.open(name) as part:
            total += count_tags(part, bounds=unbounded)
    return total, sum(item.file_size for item in archive.infolist())


def texts(sheets: dict[str, Rows]) -> list[Cell]:
    return [
        cell
        for rows in sheets.values()
        for row in rows.values()
        for cell in row.values()
        if cell.text
    ]


def as_xlsx(template: bytes, sheets: dict[str, Rows]) -> bytes:
    """`template` (a workbook the site downloaded) with its answers and metadata sheets
    replaced by `sheets`, every text a shared string, and the table filled up near its
    bound with strings that no cell shows (they are read all the same)."""
    source = zipfile.ZipFile(io.BytesIO(template))
    strings: list[Cell] = []
    index: dict[int, int] = {}
    for cell in texts(sheets):
        index[id(cell)] = len(strings)
        strings.append(cell)
    parts = {
        "xl/worksheets/sheet1.xml": _xlsx_sheet(sheets["Answers"], index),
        "xl/worksheets/sheet3.xml": _xlsx_sheet(sheets[META_SHEET], index),
        "xl/sharedStrings.xml": _xlsx_strings(
            strings, int(limits.WORKBOOK_MAX_SHARED_STRINGS * FILL) - len(strings)
        ),
        "[Content_Types].xml": _with_shared_strings_type(source.read("[Content_Types].xml")),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            target.writestr(name, parts.pop(name, None) or source.read(name))
        for name, content in parts.items():
            target.writestr(name, content)
    return buffer.getvalue()


def _with_shared_strings_type(content_types: bytes) -> bytes:
    """The content types of a workbook, its shared strings declared (so that openpyxl
    reads them)."""
    return content_types.replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )


def _xlsx_sheet(rows: Rows, index: dict[int, int]) -> bytes:
    out = [f'<worksheet xmlns="{SPREADSHEETML}"><sheetData>']
    for number, row in sorted(rows.items()):
        out.append(f'<row r="{number}">')
        for column, cell in sorted(row.items()):
            ref = f"{get_column_letter(column)}{number}"
            if cell.number is not None:
                out.append(f'<c r="{ref}"><v>{cell.number}</v></c>')
            elif cell.text:
                out.append(f'<c r="{ref}" t="s"><v>{index[id(cell)]}</v></c>')
            else:
                out.append(f'<c r="{ref}" s="1"/>')
        out.append("</row>")
    out.append("</sheetData></worksheet>")
    return "".join(out).encode()


def _xlsx_strings(strings: list[Cell], extra: int) -> bytes:
    out = [f'<sst xmlns="{SPREADSHEETML}">']
    for cell in strings:
        if cell.runs > 1:
            size = len(cell.text) // cell.runs + 1
            pieces = [cell.text[start : start + size] for start in range(0, len(cell.text), size)]
            out.append("<si>")
            out.extend(f'<r><t xml:space="preserve">{escape(piece)}</t></r>' for piece in pieces)
            out.append("</si>")
        else:
            out.append(f'<si><t xml:space="preserve">{escape(cell.text)}</t></si>')
    out.extend(f"<si><t>{n}</t></si>" for n in range(extra))
    out.append("</sst>")
    return "".join(out).encode()


ODS_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def as_ods(sheets: dict[str, Rows]) -> bytes:
    """`sheets` as LibreOffice writes an .ods: each text in paragraphs (and runs), the
    empty rows and cells between as repeats."""
    out = [f"<office:document-content {ODS_NAMESPACES}><office:body><office:spreadsheet>"]
    for title, rows in sheets.items():
        out.append(f'<table:table table:name="{escape(title)}">')
        next_row = 1
        for number, row in sorted(rows.items()):
            if number > next_row:
                out.append(
                    f'<table:table-row table:number-rows-repeated="{number - next_row}">'
                    "<table:table-cell/></table:table-row>"
                )
            out.append("<table:table-row>")
            next_column = 1
            for column, cell in sorted(row.items()):
                if column > next_column:
                    repeat = column - next_column
                    out.append(f'<table:table-cell table:number-columns-repeated="{repeat}"/>')
                out.append(_ods_cell(cell))
                next_column = column + 1
            out.append("</table:table-row>")
            next_row = number + 1
        out.append(
            '<table:table-row table:number-rows-repeated="1048000"><table:table-cell '
            'table:number-columns-repeated="16384"/></table:table-row></table:table>'
        )
    out.append("</office:spreadsheet></office:body></office:document-content>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "".join(out))
    return buffer.getvalue()


def _ods_cell(cell: Cell) -> str:
    if cell.number is not None:
        return (
            f'<table:table-cell office:value-type="float" office:value="{cell.number}">'
            f"<text:p>{cell.number}</text:p></table:table-cell>"
        )
    if not cell.text:
        return "<table:table-cell/>"
    paragraphs = []
    for line in cell.text.split("\n"):
        if cell.runs > 1:
            size = len(line) // cell.runs + 1
            spans = "".join(
                f"<text:span>{escape(line[start : start + size])}</text:span>"
                for start in range(0, len(line), size)
            )
            paragraphs.append(f"<text:p>{spans}</text:p>")
        else:
            paragraphs.append(f"<text:p>{escape(line)}</text:p>")
    return f'<table:table-cell office:value-type="string">{"".join(paragraphs)}</table:table-cell>'


def padded_with_empty_cells(template: bytes, cells: int) -> bytes:
    """`template` with `cells` empty cells in its answers sheet (about 15 to 1 packed:
    1.5 MB for 1.8 million, unpacking to less than the bound on its size)."""
    rng = random.Random(1)  # noqa: S311 - no secret
    padding = "".join(
        f'<c r="{rng.choice("ABCDEFGH")}{rng.randrange(3, 10)}"/>' for _ in range(cells)
    ).encode()
    part = zipfile.ZipFile(io.BytesIO(template)).read("xl/worksheets/sheet1.xml")
    return _replace(
        template, "xl/worksheets/sheet1.xml", part.replace(b"</row>", padding + b"</row>", 1)
    )


def with_shared_strings(template: bytes, count: int) -> bytes:
    """`template` with a shared-string table of `count` short strings."""
    rng = random.Random(2)  # noqa: S311 - no secret
    letters = "abcdefghijklmnopqrstuvwxyz"
    table = (
        f'<sst xmlns="{SPREADSHEETML}" count="{count}" uniqueCount="{count}">'
        + "".join(
            f"<si><t>{rng.choice(letters)}{rng.choice(letters)}</t></si>" for _ in range(count)
        )
        + "</sst>"
    ).encode()
    content_types = zipfile.ZipFile(io.BytesIO(template)).read("[Content_Types].xml")
    with_table = _replace(template, "xl/sharedStrings.xml", table)
    return _replace(with_table, "[Content_Types].xml", _with_shared_strings_type(content_types))


def _replace(template: bytes, name: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(template))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.namelist():
            if item != name:
                target.writestr(item, source.read(item))
        target.writestr(name, content)
    return buffer.getvalue()
