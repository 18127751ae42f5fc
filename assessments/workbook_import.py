"""An uploaded workbook read back: checked as an archive before it is parsed, validated
row by row, turned into a plan of changes for the preview, and applied all at once.

Nothing in the file is trusted, its protection and hidden sheet included: every value
is checked against the database and by the same rules as the web form.
"""

import codecs
import html
import io
import itertools
import json
import lzma
import re
import uuid
import zipfile
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from catalogue.bidi import ltr_isolated

from . import limits
from .forms import AnswerForm
from .lifecycle import lock_for_editing
from .models import AnswerChange, AnswerStatus, Assessment
from .services import AnswerConflict, AnswerContent, answer_save
from .text import clean_text
from .workbook_layout import (
    COLUMN_BY_KEY,
    COLUMN_KEYS,
    FIRST_ANSWER_ROW,
    FORMAT_VERSION,
    HEADER_ROW,
    KEY_ROW,
    META_ANSWERS_ROW,
    META_ASSESSMENT,
    META_CYCLE,
    META_FORMAT,
    META_LANGUAGE,
    META_SHEET,
    META_STATE,
    fingerprint,
)

# Bounds checked on the archive's central directory before anything is decompressed. A
# downloaded workbook of 153 answers is about 30 KB and unpacks to under 1 MB.
MAX_ENTRIES = 100
MAX_UNCOMPRESSED_BYTES = 30 * 1024 * 1024
MAX_RATIO = 100  # uncompressed / compressed, per entry of more than 1 MiB
# A cycle has 153 Member State recommendations; room for the catalogue to grow.
MAX_ANSWER_ROWS = 1_000
MAX_COLUMNS = 30
MAX_ERRORS = 50
# The plan is kept in the session between the preview and the apply.
MAX_PLAN_BYTES = 1024 * 1024

MACRO_MARKERS = (b"vbaProject", b"macroEnabled", b"vbaData")


@dataclass(frozen=True)
class CellError:
    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self):
        where = [_("sheet “%(sheet)s”") % {"sheet": self.sheet}] if self.sheet else []
        if self.row:
            where.append(_("row %(row)s") % {"row": self.row})
        if self.column:
            where.append(_("column “%(column)s”") % {"column": self.column})
        return f"{', '.join(where)}: {self.message}" if where else str(self.message)


class WorkbookRefused(Exception):
    """The upload cannot be used; `errors` says where and why. Nothing was saved."""

    def __init__(self, errors: list[CellError]):
        super().__init__("; ".join(str(error) for error in errors[:3]))
        self.errors = errors


class WorkbookStale(Exception):
    """An answer changed since the preview was shown: nothing was saved."""


def _refuse(message: str) -> WorkbookRefused:
    return WorkbookRefused([CellError("", None, None, str(message))])


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


def _damaged() -> WorkbookRefused:
    return _refuse(
        _("The workbook cannot be read: it may be damaged or incomplete. Download it again.")
    )


def check_archive(data: bytes) -> None:
    """Refuse what is not an XLSX workbook, or would unpack to too much, before any
    parser sees it: sizes come from the central directory, and zipfile never inflates
    an entry beyond the size declared there."""
    if len(data) > settings.WORKBOOK_MAX_BYTES:
        raise _refuse(_("The file is too large for a workbook of an assessment."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _refuse(
            _("The file is not an Excel workbook (.xlsx), or it is incomplete: download it again.")
        ) from None
    with archive:
        try:
            _check_parts(archive)
        except UNREADABLE_PART:
            # The directory was sound but a part's data is not (flipped bytes, a wrong
            # checksum, a part cut short): one message, as for damage openpyxl finds.
            raise _damaged() from None


def _check_parts(archive: zipfile.ZipFile) -> None:
    entries = archive.infolist()
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise _refuse(_("The file is not an Excel workbook (.xlsx)."))
    if len(entries) > MAX_ENTRIES:
        raise _refuse(_("The workbook holds too many parts to be one of this site's."))
    total = 0
    for entry in entries:
        total += entry.file_size
        ratio = entry.file_size / max(entry.compress_size, 1)
        if total > MAX_UNCOMPRESSED_BYTES or (entry.file_size > 1024 * 1024 and ratio > MAX_RATIO):
            raise _refuse(_("The workbook unpacks to far more data than an assessment holds."))
    content_types = archive.read("[Content_Types].xml")
    if any(
        marker.lower() in name.lower().encode() for name in names for marker in MACRO_MARKERS
    ) or any(marker in content_types for marker in MACRO_MARKERS):
        raise _refuse(_("The workbook contains macros; save it as a plain .xlsx workbook."))
    _check_row_counts(archive, entries)


MAX_SHEET_ROWS = META_ANSWERS_ROW + MAX_ANSWER_ROWS
# A row of a sheet in its raw XML: <row r="3">, <row>, <row/>, with or without a
# namespace prefix (<x:row>, <ss:row>; a prefix may have letters beyond ASCII, here
# in UTF-8). Any of them is a row to openpyxl.
ROW_TAG_RE = re.compile(rb"<(?:[A-Za-z_\x80-\xff][\w.\x80-\xff-]*:)?row[\s/>]")
TAG_NAME_END_RE = re.compile(rb"[\s/>]")
PREFIX_CHARS_RE = re.compile(rb"[\w.\x80-\xff-]*")
CHUNK_BYTES = 256 * 1024


def _check_row_counts(archive: zipfile.ZipFile, entries) -> None:
    """Refuse a sheet of more rows than any sheet of the workbook has, counted in its raw
    XML before openpyxl parses it: the size a sheet declares may be missing or lie, and
    without it openpyxl reads the whole sheet just to open the workbook.

    Every part is counted, not only those under xl/worksheets/: openpyxl reads a sheet
    wherever the workbook's relationships put it, and no other part holds row tags.
    """
    for entry in entries:
        if entry.is_dir():
            continue
        with archive.open(entry) as part:
            count = count_row_tags(part, stop_after=MAX_SHEET_ROWS)
        if count > MAX_SHEET_ROWS:
            raise WorkbookRefused(
                [
                    CellError(
                        _sheet_names(archive).get(entry.filename, entry.filename),
                        None,
                        None,
                        _(
                            "The sheet has more than %(max)s rows; a workbook of an "
                            "assessment has far fewer."
                        )
                        % {"max": MAX_SHEET_ROWS},
                    )
                ]
            )


def count_row_tags(part, *, stop_after: int, chunk_size: int = CHUNK_BYTES) -> int:
    """The row tags in the XML read from `part`, chunk by chunk; the count stops once
    it is past `stop_after`.

    A tag cut by the end of a chunk is carried over to the next, from its "<": only a
    tag whose name has not ended yet can be cut, and it is counted once it ends. So that
    a name of megabytes cannot make the carry grow, a long one is cut down to what
    decides whether it is a row: its first character, whether the rest could all be a
    prefix, and its last characters.
    """
    count, carry = 0, b""
    for chunk in _utf8_chunks(part, chunk_size):
        data = carry + chunk
        count += len(ROW_TAG_RE.findall(data))
        if count > stop_after:
            break
        start = data.rfind(b"<")
        carry = data[start:] if start >= 0 and not TAG_NAME_END_RE.search(data, start) else b""
        if len(carry) > 64:
            middle = carry[2:-8]
            carry = carry[:2] + b"a" + carry[-8:] if PREFIX_CHARS_RE.fullmatch(middle) else b""
    return count


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
    """The part of each sheet and its name, for messages (a best effort: the message
    names the part when the workbook's own list cannot be read)."""
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


# How a spreadsheet writes a character XML cannot hold (a vertical tab: _x000B_).
OOXML_ESCAPE_RE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _text(value) -> str:
    """A cell as text: formulas are kept as typed (never calculated), numbers and dates
    as shown, control characters (escaped or not) dropped, line ends made LF."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = value if isinstance(value, str) else str(value)
    text = OOXML_ESCAPE_RE.sub(lambda match: chr(int(match.group(1), 16)), text)
    return clean_text(text).strip()


def _status_spellings(language: str) -> dict[str, str]:
    """Every accepted spelling of a status: its code and its label in English, in the
    workbook's language and in the uploader's."""
    spellings = {}
    languages = {"en", translation.get_language() or "en"}
    if language in dict(settings.LANGUAGES):
        languages.add(language)
    for code in languages:
        with translation.override(code):
            for value, label in AnswerStatus.choices:
                spellings[" ".join(str(label).split()).casefold()] = value
    for value in AnswerStatus.values:
        spellings[value] = value  # "" too: an empty cell is not yet answered
    return spellings


def _field_errors(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


def _sheet_size_error(sheet, max_rows: int) -> CellError | None:
    # The dimension a workbook declares is only a hint (it may be missing or lie), so the
    # reading below stops at the same bound; but it turns a huge sheet away at once.
    if (sheet.max_row or 0) > max_rows:
        return CellError(
            sheet.title,
            sheet.max_row,
            None,
            _("The sheet has %(rows)s rows; a workbook of an assessment has at most %(max)s.")
            % {"rows": sheet.max_row, "max": max_rows},
        )
    return None


def read_workbook(*, data: bytes, filename: str, assessment: Assessment) -> dict:
    """The changes an uploaded workbook would make to `assessment`, as a plan for the
    preview; WorkbookRefused with every problem found otherwise."""
    reason = assessment.read_only_reason()
    if reason:
        raise _refuse(reason)
    check_archive(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception:  # openpyxl raises many kinds on damaged files
        raise _damaged() from None
    try:
        return _read(book, filename, assessment)
    except WorkbookRefused:
        raise
    except Exception:  # damaged XML, a part missing, a truncated entry: all one to the user
        raise _damaged() from None
    finally:
        book.close()


def _read(book, filename: str, assessment: Assessment) -> dict:
    if META_SHEET not in book.sheetnames:
        raise _refuse(
            _(
                "This workbook was not downloaded from this site: download the "
                "assessment's workbook."
            )
        )
    meta_sheet = book[META_SHEET]
    sheet = _answers_sheet(book)
    for candidate, bound in (
        (meta_sheet, META_ANSWERS_ROW + MAX_ANSWER_ROWS),
        (sheet, FIRST_ANSWER_ROW - 1 + MAX_ANSWER_ROWS),
    ):
        error = _sheet_size_error(candidate, bound)
        if error:
            raise WorkbookRefused([error])
    meta, versions = _read_meta(meta_sheet, assessment)
    answers = {
        answer.recommendation.code: answer
        for answer in assessment.answers.select_related("recommendation")
    }
    rows = _read_answer_rows(sheet, meta, versions, answers)
    plan = {
        "token": uuid.uuid4().hex,
        "assessment": assessment.pk,
        "filename": filename[:200],
        "rows": rows,
    }
    _check_totals(assessment, answers, rows, sheet.title)
    if len(json.dumps(plan, ensure_ascii=False).encode()) > MAX_PLAN_BYTES:
        raise _refuse(_("The workbook changes more than one upload can hold."))
    return plan


def _whole(value):
    # A spreadsheet that saves the file again may write a whole number as 3.0.
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _answers_sheet(book):
    """The sheet whose hidden first row names the columns (the first one, as downloaded;
    found by its keys should its sheets have been moved), else the first sheet."""
    sheets = [sheet for sheet in book.worksheets if sheet.title != META_SHEET]
    for sheet in sheets:
        first = next(sheet.iter_rows(max_row=1, max_col=MAX_COLUMNS, values_only=True), ())
        if "code" in first:
            return sheet
    return sheets[0]


def _read_meta(sheet, assessment: Assessment) -> tuple[dict, dict]:
    errors, meta, versions = [], {}, {}
    for row, values in enumerate(
        sheet.iter_rows(max_row=META_ANSWERS_ROW + MAX_ANSWER_ROWS, max_col=3, values_only=True),
        start=1,
    ):
        values = tuple(_whole(value) for value in (*values, None, None, None)[:3])
        if row < META_ANSWERS_ROW:
            if isinstance(values[0], str):
                meta[values[0]] = values[1]
        elif values[0] is not None:
            version = values[1]
            if isinstance(version, bool) or not isinstance(version, int) or version < 0:
                errors.append(
                    CellError(sheet.title, row, "B", _("The recorded version is not a number."))
                )
                continue
            versions[_text(values[0])] = (version, _text(values[2]), row)
    expected = {
        META_FORMAT: FORMAT_VERSION,
        META_ASSESSMENT: assessment.pk,
        META_STATE: assessment.member_state.iso3,
        META_CYCLE: assessment.cycle.code,
    }
    if meta.get(META_FORMAT) != FORMAT_VERSION:
        errors.append(
            CellError(
                sheet.title,
                1,
                "B",
                _("The workbook was made for another version of this site: download it again."),
            )
        )
    elif any(meta.get(name) != value for name, value in expected.items()):
        errors.append(
            CellError(
                sheet.title,
                2,
                "B",
                _(
                    "This workbook belongs to another assessment (%(state)s, cycle %(cycle)s), "
                    "not to %(this_state)s, cycle %(this_cycle)s."
                )
                % {
                    "state": _text(meta.get(META_STATE)) or "?",
                    "cycle": _text(meta.get(META_CYCLE)) or "?",
                    "this_state": assessment.member_state.iso3,
                    "this_cycle": assessment.cycle.code,
                },
            )
        )
    if errors:
        raise WorkbookRefused(errors)
    meta[META_LANGUAGE] = _text(meta.get(META_LANGUAGE))
    return meta, versions


def _read_answer_rows(sheet, meta: dict, versions: dict, answers: dict) -> list[dict]:
    errors: list[CellError] = []
    title = sheet.title
    rows = sheet.iter_rows(max_row=FIRST_ANSWER_ROW - 1 + MAX_ANSWER_ROWS + 1, values_only=True)
    keys = next(rows, ())
    next(rows, None)  # the headings, for people
    columns: dict[str, int] = {}
    for index, key in enumerate(keys):
        key = _text(key)
        letter = get_column_letter(index + 1)
        if not key:
            continue
        if key not in COLUMN_BY_KEY:
            errors.append(
                CellError(
                    title,
                    HEADER_ROW,
                    letter,
                    _("This column is not part of the workbook: remove it."),
                )
            )
        elif key in columns:
            errors.append(
                CellError(
                    title, HEADER_ROW, letter, _("This column appears twice: remove one of them.")
                )
            )
        else:
            columns[key] = index
    if not columns:
        raise WorkbookRefused(
            [
                CellError(
                    title,
                    KEY_ROW,
                    None,
                    _(
                        "The hidden first row, which names the columns, was removed or "
                        "changed: download the workbook again and copy your answers into it."
                    ),
                )
            ]
        )
    for key in COLUMN_KEYS:
        if key not in columns:
            errors.append(
                CellError(
                    title,
                    HEADER_ROW,
                    str(COLUMN_BY_KEY[key].label),
                    _(
                        "This column is missing: download the workbook again and copy your "
                        "answers into it."
                    ),
                )
            )
    if errors:
        raise WorkbookRefused(errors)
    if len(keys) > MAX_COLUMNS:
        raise WorkbookRefused(
            [
                CellError(
                    title,
                    KEY_ROW,
                    get_column_letter(MAX_COLUMNS + 1),
                    _("The sheet has too many columns."),
                )
            ]
        )

    spellings = _status_spellings(meta[META_LANGUAGE])
    form_fields = AnswerForm.base_fields
    labels = {key: str(COLUMN_BY_KEY[key].label) for key in COLUMN_KEYS}
    seen: dict[str, int] = {}
    plan_rows = []
    for row, values in enumerate(rows, start=FIRST_ANSWER_ROW):
        if row >= FIRST_ANSWER_ROW + MAX_ANSWER_ROWS:
            raise WorkbookRefused(
                [
                    CellError(
                        title,
                        row,
                        None,
                        _("The sheet has more than %(max)s rows of answers.")
                        % {"max": MAX_ANSWER_ROWS},
                    )
                ]
            )
        if len(errors) >= MAX_ERRORS:
            break
        cells = {
            key: values[index] if index < len(values) else None for key, index in columns.items()
        }
        extra = [
            get_column_letter(index + 1)
            for index, value in enumerate(values)
            if index not in columns.values() and _text(value)
        ]
        for letter in extra:
            errors.append(
                CellError(
                    title, row, letter, _("This cell is outside the workbook's columns: empty it.")
                )
            )
        code = _text(cells["code"])
        editable = {key: _text(cells[key]) for key in ("status", "evidence", "links")}
        if not code:
            if any(editable.values()):
                errors.append(CellError(title, row, labels["code"], _("The code is missing.")))
            continue
        if code in seen:
            errors.append(
                CellError(
                    title,
                    row,
                    labels["code"],
                    _("%(code)s is also in row %(other)s: keep one row per recommendation.")
                    % {"code": ltr_isolated(code), "other": seen[code]},
                )
            )
            continue
        seen[code] = row
        answer = answers.get(code)
        if answer is None:
            errors.append(
                CellError(
                    title,
                    row,
                    labels["code"],
                    _("%(code)s is not a recommendation of this assessment.")
                    % {"code": ltr_isolated(code)},
                )
            )
            continue
        if code not in versions:
            # The hidden sheet has no row for the code: the row named is the answer's.
            errors.append(
                CellError(
                    title,
                    row,
                    labels["code"],
                    _("No version is recorded for %(code)s.") % {"code": ltr_isolated(code)},
                )
            )
            continue
        file_version, downloaded, meta_row = versions[code]
        if file_version > answer.version:
            errors.append(
                CellError(
                    META_SHEET,
                    meta_row,
                    "B",
                    _("The version recorded for %(code)s is not one this answer has had.")
                    % {"code": ltr_isolated(code)},
                )
            )
            continue
        status_text = " ".join(editable["status"].split()).casefold()
        if status_text not in spellings:
            errors.append(
                CellError(
                    title,
                    row,
                    labels["status"],
                    _("“%(value)s” is not a status: choose one from the list.")
                    % {"value": editable["status"][:100]},
                )
            )
            continue
        content = {"status": spellings[status_text]}
        for key in ("evidence", "links"):
            try:
                content[key] = form_fields[key].clean(editable[key])
            except ValidationError as error:
                errors.extend(
                    CellError(title, row, labels[key], message) for message in _field_errors(error)
                )
        if len(content) < 3:
            continue
        try:
            limits.check_answer(evidence=content["evidence"], links=content["links"])
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.extend(CellError(title, row, labels[field], message) for message in messages)
            continue
        if fingerprint(content) == downloaded or content == answer.content():
            continue  # not edited offline, or already as stored
        plan_rows.append(
            {
                "answer": answer.pk,
                "code": code,
                "row": row,
                "file_version": file_version,
                "content": content,
            }
        )
    if errors:
        raise WorkbookRefused(errors)
    return plan_rows


def _check_totals(assessment: Assessment, answers: dict, rows: list[dict], title: str) -> None:
    """Refuse at once a workbook whose changes together exceed the assessment's limits
    (the saves would refuse it too, but only at the apply)."""
    growth = [
        limits.Growth.of(before=answers[row["code"]].content(), after=row["content"])
        for row in rows
    ]
    total = limits.Growth(
        chars=sum(item.chars for item in growth),
        lines=sum(item.lines for item in growth),
        links=sum(item.links for item in growth),
    )
    if any(
        getattr(assessment, field.removesuffix("__lte")) > maximum
        for field, maximum in total.room_needed().items()
    ):
        # No one row takes the assessment over, so no row is named: the column says
        # which total (evidence or links) and the message which limit.
        refusal = total.refusal(assessment)
        fields = getattr(refusal, "error_dict", {})
        column = str(COLUMN_BY_KEY[next(iter(fields))].label) if fields else None
        raise WorkbookRefused([CellError(title, None, column, refusal.messages[0])])


@dataclass
class PlannedChange:
    """One row of the preview: the answer as stored now and as the workbook has it."""

    code: str
    row: int
    answer_pk: int
    current_version: int
    online: dict
    workbook: dict
    conflict: bool
    # For a conflict: the preview's choice, and why it was refused.
    chosen: str = ""
    error: str = ""

    def versions(self) -> list[tuple[str, dict, str]]:
        """(choice, content with its status label, label) for each side of a conflict."""
        labels = dict(AnswerStatus.choices)
        return [
            (choice, {**content, "status_label": str(labels[content["status"]])}, label)
            for choice, content, label in (
                ("online", self.online, _("Keep the version saved online")),
                ("workbook", self.workbook, _("Take the version in the workbook")),
            )
        ]

    def fields(self) -> list[tuple[str, str, str]]:
        """(field, before, after) for each field that differs, as people read them."""
        labels = dict(AnswerStatus.choices)
        shown = []
        for key, name in (
            ("status", _("Status")),
            ("evidence", _("Evidence")),
            ("links", _("Links")),
        ):
            before, after = self.online[key], self.workbook[key]
            if before == after:
                continue
            if key == "status":
                before, after = str(labels[before]), str(labels[after])
            elif key == "links":
                before, after = "\n".join(before), "\n".join(after)
            shown.append((name, before, after))
        return shown


def plan_changes(*, assessment: Assessment, plan: dict) -> list[PlannedChange]:
    """The plan against the answers as stored now: conflicts are answers saved online
    since the workbook was downloaded."""
    current = {
        answer.pk: answer
        for answer in assessment.answers.filter(pk__in=[row["answer"] for row in plan["rows"]])
    }
    changes = []
    for row in plan["rows"]:
        answer = current.get(row["answer"])
        if answer is None or answer.content() == row["content"]:
            continue
        changes.append(
            PlannedChange(
                code=row["code"],
                row=row["row"],
                answer_pk=answer.pk,
                current_version=answer.version,
                online=answer.content(),
                workbook=row["content"],
                conflict=answer.version > row["file_version"],
            )
        )
    return changes


@transaction.atomic
def workbook_apply(
    *,
    assessment: Assessment,
    plan: dict,
    seen_versions: dict[str, int],
    take_workbook: set[str],
    user: AbstractBaseUser,
) -> int:
    """Save the planned changes, all or none, as the web form saves them (history kind
    WORKBOOK, the file's name as note); the number of answers saved.

    `seen_versions` are the versions the preview showed, per code: if any answer has
    moved on since, WorkbookStale and nothing is saved. A conflict is saved only if its
    code is in `take_workbook`.
    """
    # The assessment's row lock first, so that no save of a colleague slips in between
    # the versions read here and the saves below.
    lock_for_editing(assessment)
    current = {
        answer.pk: answer
        for answer in assessment.answers.select_related("recommendation").filter(
            pk__in=[row["answer"] for row in plan["rows"]]
        )
    }
    saved = 0
    for row in plan["rows"]:
        answer = current.get(row["answer"])
        if answer is None or answer.content() == row["content"]:
            continue
        if seen_versions.get(row["code"]) != answer.version:
            raise WorkbookStale
        if answer.version > row["file_version"] and row["code"] not in take_workbook:
            continue
        answer.assessment = assessment
        try:
            answer_save(
                answer=answer,
                content=AnswerContent(**row["content"]),
                base_version=answer.version,
                user=user,
                kind=AnswerChange.Kind.WORKBOOK,
                note=plan["filename"],
            )
        except AnswerConflict:
            raise WorkbookStale from None
        saved += 1
    return saved
