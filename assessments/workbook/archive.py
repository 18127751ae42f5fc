"""An uploaded workbook checked as an archive before any parser reads it: its format
told from its content, its size from the archive's directory, and what reading it would
cost from its raw XML, streamed and counted up to the bounds in `limits`.

The cost of reading a workbook grows with the elements of its XML (rows, cells, shared
strings and whatever else a part holds), not with its size on disk: a 1.5 MB workbook
can hold millions of empty cells. So the elements are counted, not only the rows, and
what a part declares (its dimension, a shared-string count) is never trusted.
"""

import codecs
import html
import io
import itertools
import lzma
import re
import zipfile
import zlib
from dataclasses import dataclass, fields

from django.conf import settings
from django.utils.translation import gettext as _

from .. import limits
from .layout import META_ANSWERS_ROW
from .refusals import (
    damaged,
    not_a_workbook,
    over_limit,
    password_protected,
    refuse,
    too_much_data,
)

XLSX, ODS = "xlsx", "ods"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
# An Excel 97-2003 workbook (.xls) and a workbook encrypted with a password are both
# OLE2 compound files; the second holds a stream named EncryptedPackage.
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
MACRO_MARKERS = (b"vbaProject", b"macroEnabled", b"vbaData")
# Where an OpenDocument file keeps macros (Basic) and scripts (Python, JavaScript, ...).
ODS_MACRO_FOLDERS = ("Basic/", "Scripts/")

# What reading a damaged part of an archive raises: zipfile's own errors (a wrong
# checksum, a bad local header), zlib's for damaged deflate data, bz2 and lzma's (as
# OSError or LZMAError), EOFError for data cut short, NotImplementedError for an unknown
# compression method and RuntimeError for an encrypted part.
UNREADABLE_PART = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,
    RuntimeError,
)


def check_archive(data: bytes) -> str:
    """The format of the workbook in `data` (XLSX or ODS), once it is known not to
    unpack to too much nor cost too much to read; WorkbookRefused otherwise.

    Sizes come from the central directory, and zipfile never inflates an entry beyond
    the size declared there.
    """
    if len(data) > settings.WORKBOOK_MAX_BYTES:
        raise refuse(_("The file is too large for a workbook of an assessment."))
    if data.startswith(OLE2_SIGNATURE):
        if ENCRYPTED_PACKAGE in data:
            raise password_protected()
        raise not_a_workbook(
            _("The file is an Excel 97-2003 workbook (.xls), which this site cannot read.")
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise not_a_workbook(
            _("The file is not a workbook this site can read (.xlsx or .ods), or it is incomplete.")
        ) from None
    with archive:
        try:
            return _check_parts(archive)
        except UNREADABLE_PART:
            # The directory was sound but a part's data is not (flipped bytes, a wrong
            # checksum, a part cut short): one message, as for damage a parser finds.
            raise damaged() from None


def _check_parts(archive: zipfile.ZipFile) -> str:
    entries = archive.infolist()
    names = {entry.filename for entry in entries}
    workbook_format = _format(archive, names)
    if len(entries) > limits.WORKBOOK_MAX_PARTS:
        raise refuse(_("The workbook holds too many parts to be one of this site's."))
    total = 0
    for entry in entries:
        total += entry.file_size
        ratio = entry.file_size / max(entry.compress_size, 1)
        if total > limits.WORKBOOK_MAX_UNPACKED_BYTES or (
            entry.file_size > 1024 * 1024 and ratio > limits.WORKBOOK_MAX_RATIO
        ):
            raise too_much_data()
    if workbook_format == XLSX:
        content_types = archive.read("[Content_Types].xml")
        macros = any(
            marker.lower() in name.lower().encode() for name in names for marker in MACRO_MARKERS
        ) or any(marker in content_types for marker in MACRO_MARKERS)
    else:
        manifest = b""
        if "META-INF/manifest.xml" in names:
            manifest = archive.read("META-INF/manifest.xml")
        if b"encryption-data" in manifest:
            raise password_protected()
        macros = any(name.startswith(ODS_MACRO_FOLDERS) for name in names)
    if macros:
        raise refuse(
            _("The workbook contains macros; save it as a plain workbook (.xlsx or .ods).")
        )
    _check_counts(archive, entries)
    return workbook_format


def _format(archive: zipfile.ZipFile, names: set[str]) -> str:
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return XLSX
    if (
        "mimetype" in names
        and "content.xml" in names
        and archive.getinfo("mimetype").file_size <= 100
        and archive.read("mimetype").strip() == ODS_MIMETYPE
    ):
        return ODS
    raise not_a_workbook(
        _("The file is neither an Excel workbook (.xlsx) nor an OpenDocument spreadsheet (.ods).")
    )


@dataclass
class TagCounts:
    """Start tags counted in raw XML, by what they cost to read."""

    rows: int = 0  # <row> of a sheet in an XLSX
    cells: int = 0  # <c> of an XLSX, <table:table-cell> and covered cells of an ODS
    strings: int = 0  # <si> of an XLSX's shared strings
    elements: int = 0  # every start tag, these included
    # Document type declarations: none is allowed, since the entities declared there
    # expand as the parser reads (the "billion laughs"), past every count above, and no
    # spreadsheet writes one.
    doctypes: int = 0

    def __add__(self, other: "TagCounts") -> "TagCounts":
        return TagCounts(
            *(getattr(self, field.name) + getattr(other, field.name) for field in fields(self))
        )

    def over(self, bounds: "TagCounts") -> str:
        """The first count past its bound ("" if none is)."""
        for field in fields(self):
            if getattr(self, field.name) > getattr(bounds, field.name):
                return field.name
        return ""


def max_sheet_rows() -> int:
    """The rows of the largest sheet the site writes: the metadata sheet, whose rows of
    answers start at row 10."""
    return META_ANSWERS_ROW + limits.WORKBOOK_MAX_ANSWER_ROWS


def _check_counts(archive: zipfile.ZipFile, entries) -> None:
    """Refuse a workbook whose reading would cost more than the bounds allow, counted in
    its raw XML before any parser reads it.

    Every part is counted, not only the sheets: openpyxl reads a sheet wherever the
    workbook's relationships put it, and the styles and shared strings it reads too.
    Rows are bounded per part (an XLSX keeps one sheet per part), the rest per workbook.
    """
    total = TagCounts()
    for entry in entries:
        if entry.is_dir():
            continue
        bounds = TagCounts(
            rows=max_sheet_rows(),
            cells=limits.WORKBOOK_MAX_CELLS - total.cells,
            strings=limits.WORKBOOK_MAX_SHARED_STRINGS - total.strings,
            elements=limits.WORKBOOK_MAX_XML_ELEMENTS - total.elements,
            doctypes=0,
        )
        with archive.open(entry) as part:
            counts = count_tags(part, bounds=bounds)
        over = counts.over(bounds)
        if over == "rows":
            sheet = _sheet_names(archive).get(entry.filename, entry.filename)
            raise refuse(
                _(
                    "The sheet has more than %(max)s rows; a workbook of an assessment has "
                    "far fewer."
                )
                % {"max": max_sheet_rows()},
                sheet=sheet,
            )
        if over == "doctypes":
            raise damaged()
        total += counts
        if over:
            raise over_limit(over)


# A start tag in raw XML and its local name: <row r="3">, <row>, <row/>, <x:row>,
# <table:table-cell ...>, under any namespace prefix (a prefix may have letters beyond
# ASCII, here in UTF-8). Whatever an XML parser reads as an element is matched.
START_TAG_RE = re.compile(
    rb"<(?:[A-Za-z_\x80-\xff][\w.\x80-\xff-]*:)?([A-Za-z_\x80-\xff][\w.\x80-\xff-]*)(?=[\s/>])"
)
TAG_NAME_END_RE = re.compile(rb"[\s/>]")
PREFIX_CHARS_RE = re.compile(rb"[\w.\x80-\xff-]*")
CELL_TAGS = (b"c", b"table-cell", b"covered-table-cell")
CHUNK_BYTES = 256 * 1024


def count_tags(part, *, bounds: TagCounts, chunk_size: int = CHUNK_BYTES) -> TagCounts:
    """The start tags in the XML read from `part`, chunk by chunk; counting stops once
    a count is past its bound.

    A tag cut by the end of a chunk is carried over to the next, from its "<": only a
    tag whose name has not ended yet can be cut, and it is counted once it ends. So that
    a name of megabytes cannot make the carry grow, a long one is cut down to what
    decides how it counts: its first character, whether the rest could all be a prefix,
    and its last characters.
    """
    counts, carry = TagCounts(), b""
    for chunk in _utf8_chunks(part, chunk_size):
        data = carry + chunk
        names = START_TAG_RE.findall(data)
        counts += TagCounts(
            rows=names.count(b"row"),
            cells=sum(names.count(tag) for tag in CELL_TAGS),
            strings=names.count(b"si"),
            elements=len(names),
            doctypes=data.count(b"<!DOCTYPE"),
        )
        if counts.over(bounds):
            break
        start = data.rfind(b"<")
        carry = data[start:] if start >= 0 and not TAG_NAME_END_RE.search(data, start) else b""
        if len(carry) > 64:
            middle = carry[2:-8]
            carry = carry[:2] + b"a" + carry[-8:] if PREFIX_CHARS_RE.fullmatch(middle) else b""
    return counts


def _utf8_chunks(part, chunk_size: int):
    """The part's bytes, chunk by chunk, as UTF-8 if written in UTF-16 (which the XML
    parser reads too: its tags would otherwise hide between zero bytes)."""
    first = part.read(max(chunk_size, 4))
    if first[:2] in (b"\xff\xfe", b"\xfe\xff"):
        encoding = "utf-16"  # the byte order mark says which
    elif first[:1] == b"\0":
        encoding = "utf-16-be"
    elif first[1:2] == b"\0":
        encoding = "utf-16-le"
    else:
        yield first
        yield from iter(lambda: part.read(chunk_size), b"")
        return
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    for chunk in itertools.chain([first], iter(lambda: part.read(chunk_size), b"")):
        yield decoder.decode(chunk).encode()
    yield decoder.decode(b"", final=True).encode()


def _sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """The part of each sheet of an XLSX and its name, for messages (a best effort: the
    message names the part when the workbook's own list cannot be read)."""
    try:
        book = archive.read("xl/workbook.xml").decode()
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    except (KeyError, UnicodeDecodeError):
        return {}
    targets = {
        match["id"]: "xl/" + match["target"].removeprefix("/xl/")
        for match in re.finditer(
            r'<Relationship\b(?=[^>]*\bId="(?P<id>[^"]+)")'
            r'(?=[^>]*\bTarget="(?P<target>[^"]+)")',
            rels,
        )
    }
    return {
        targets[match["id"]]: html.unescape(match["name"])
        for match in re.finditer(
            r'<sheet\b(?=[^>]*\bname="(?P<name>[^"]*)")(?=[^>]*\br:id="(?P<id>[^"]+)")', book
        )
        if match["id"] in targets
    }
