"""An uploaded workbook read back: checked as an archive before anything parses it
(`archive`), read as the sheets of an Excel workbook (`xlsx`) or an OpenDocument
spreadsheet (`ods`), validated row by row, turned into a plan of
changes for the preview, and applied all at once.

Nothing in the file is trusted, its protection and hidden sheet included: every value
is checked against the database and by the same rules as the web form.
"""

import datetime
import json
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from catalogue.bidi import ltr_isolated
from delegations.models import MemberState

from .. import limits, policy
from ..forms import AnswerForm
from ..models import AnswerStatus, Assessment, Cycle
from ..text import clean_text
from . import ods, xlsx
from .archive import ODS, check_archive
from .layout import (
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
from .refusals import CellError, WorkbookRefused, damaged, refuse
from .sheets import Sheet, ShownNumber

# Reading stops after this many errors: enough to fix a workbook by.
MAX_ERRORS = 50


def _text(value) -> str:
    """A cell as text: as the spreadsheet showed it where the file says (an ODS number),
    a formula as typed (never calculated), other numbers, dates and truth values as
    people type them; control characters dropped, line ends made LF.

    The editable columns are formatted as text, so what is typed there arrives as text;
    a cell formatted otherwise (in a workbook made before, or pasted over) still reads.
    """
    if value is None:
        return ""
    if isinstance(value, ShownNumber) and value.shown:
        text = value.shown
    elif isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, float):
        text = str(int(value)) if value.is_integer() else repr(value)
    elif isinstance(value, datetime.datetime):
        midnight = value.time() == datetime.time()
        text = value.date().isoformat() if midnight else value.isoformat(" ", "minutes")
    elif isinstance(value, datetime.time):
        text = value.isoformat("minutes")
    else:
        text = str(value)
    return clean_text(text).strip()


def _letter(column: int) -> str:
    # A column past the three letters (ZZZ) by its number: an ODS may say any.
    return get_column_letter(column) if column <= 18_278 else str(column)


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


def read_workbook(*, data: bytes, filename: str, assessment: Assessment) -> dict:
    """The changes an uploaded workbook (.xlsx or .ods) would make to `assessment`, as a
    plan for the preview; WorkbookRefused with every problem found otherwise."""
    reason = policy.edit_refusal(assessment)
    if reason:
        raise refuse(reason)
    workbook_format = check_archive(data)
    read_sheets = ods.read_sheets if workbook_format == ODS else xlsx.read_sheets
    try:
        sheets = read_sheets(data)
    except WorkbookRefused:
        raise
    except Exception:  # openpyxl raises many kinds on damaged files; so does a bad ODS
        raise damaged() from None
    return _read(sheets, filename, assessment)


def _read(sheets: list[Sheet], filename: str, assessment: Assessment) -> dict:
    meta_sheet = next((sheet for sheet in sheets if sheet.title == META_SHEET), None)
    others = [sheet for sheet in sheets if sheet.title != META_SHEET]
    if meta_sheet is None or not others:
        raise refuse(
            _(
                "This workbook was not downloaded from this site: download the "
                "assessment's workbook."
            )
        )
    sheet = _answers_sheet(others)
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
    if len(json.dumps(plan, ensure_ascii=False).encode()) > limits.WORKBOOK_MAX_PLAN_BYTES:
        raise refuse(_("The workbook changes more than one upload can hold."))
    return plan


def _whole(value):
    # A spreadsheet that saves the file again may write a whole number as 3.0.
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _answers_sheet(sheets: list[Sheet]) -> Sheet:
    """The sheet whose hidden first row names the columns (the first one, as downloaded;
    found by its keys should its sheets have been moved), else the first sheet."""
    for sheet in sheets:
        if "code" in sheet.first_row().values():
            return sheet
    return sheets[0]


def _read_meta(sheet: Sheet, assessment: Assessment) -> tuple[dict, dict]:
    errors, meta, versions = [], {}, {}
    for row, cells in sheet.rows:
        if row > META_ANSWERS_ROW + limits.WORKBOOK_MAX_ANSWER_ROWS:
            break
        values = tuple(_whole(cells.get(column)) for column in (1, 2, 3))
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
        errors.append(CellError(sheet.title, 2, "B", _another_assessment(meta, assessment)))
    if errors:
        raise WorkbookRefused(errors)
    meta[META_LANGUAGE] = _text(meta.get(META_LANGUAGE))
    return meta, versions


def _another_assessment(meta: dict, assessment: Assessment) -> str:
    """Which assessment the workbook belongs to and which one it was uploaded to, each
    named once: by State and cycle, or by number when those are the same."""
    state_code, cycle_code = _text(meta.get(META_STATE)), _text(meta.get(META_CYCLE))
    if (state_code, cycle_code) == (assessment.member_state.iso3, assessment.cycle.code):
        return _(
            "This workbook belongs to another assessment of %(state)s for cycle %(cycle)s "
            "(number %(number)s) than the one it was uploaded to (number %(this_number)s), "
            "perhaps on another copy of this site: download this assessment's workbook and "
            "copy your answers into it."
        ) % {
            "state": assessment.member_state,
            "cycle": assessment.cycle.code,
            "number": _text(meta.get(META_ASSESSMENT))[:20] or "?",
            "this_number": assessment.pk,
        }
    # Names, for people: the workbook's own codes where the site knows no such State.
    state = MemberState.objects.filter(iso3=state_code[:3]).first()
    cycle = Cycle.objects.filter(code=cycle_code[:20]).first()
    return _(
        "This workbook belongs to the assessment of %(state)s for cycle %(cycle)s; it was "
        "uploaded to the assessment of %(this_state)s for cycle %(this_cycle)s. Upload it "
        "on its own assessment's page, or download this assessment's workbook."
    ) % {
        "state": state or state_code[:20] or "?",
        "cycle": cycle.code if cycle else cycle_code[:20] or "?",
        "this_state": assessment.member_state,
        "this_cycle": assessment.cycle.code,
    }


def _read_answer_rows(sheet: Sheet, meta: dict, versions: dict, answers: dict) -> list[dict]:
    """The plan's rows: each answer row of the sheet whose content was edited offline,
    checked as the web form checks it. WorkbookRefused names every problem found (up to
    MAX_ERRORS), whatever the row."""
    columns = _columns(sheet)
    reader = _RowReader(sheet.title, columns, meta, versions, answers)
    plan_rows = []
    for row, values in _answer_rows(sheet):
        if len(reader.errors) >= MAX_ERRORS:
            break
        planned = reader.read(row, values)
        if planned is not None:
            plan_rows.append(planned)
    if reader.errors:
        raise WorkbookRefused(reader.errors)
    return plan_rows


def _columns(sheet: Sheet) -> dict[str, int]:
    """Each column's key and its number, found by the hidden first row (so that moved
    columns still read); unknown, twice named, missing and too many columns refused."""
    errors: list[CellError] = []
    title = sheet.title
    columns: dict[str, int] = {}
    keys = sheet.first_row()
    for column, key in sorted(keys.items()):
        key = _text(key)
        if not key:
            continue
        if key not in COLUMN_BY_KEY:
            message = _("This column is not part of the workbook: remove it.")
            errors.append(CellError(title, HEADER_ROW, _letter(column), message))
        elif key in columns:
            message = _("This column appears twice: remove one of them.")
            errors.append(CellError(title, HEADER_ROW, _letter(column), message))
        else:
            columns[key] = column
    if not columns:
        message = _(
            "The hidden first row, which names the columns, was removed or changed: "
            "download the workbook again and copy your answers into it."
        )
        raise WorkbookRefused([CellError(title, KEY_ROW, None, message)])
    for key in COLUMN_KEYS:
        if key not in columns:
            message = _(
                "This column is missing: download the workbook again and copy your answers into it."
            )
            errors.append(CellError(title, HEADER_ROW, str(COLUMN_BY_KEY[key].label), message))
    if errors:
        raise WorkbookRefused(errors)
    if max(keys) > limits.WORKBOOK_MAX_COLUMNS:
        column = _letter(limits.WORKBOOK_MAX_COLUMNS + 1)
        message = _("The sheet has too many columns.")
        raise WorkbookRefused([CellError(title, KEY_ROW, column, message)])
    return columns


def _answer_rows(sheet: Sheet):
    """The rows of answers, after the keys and the headings; a value beyond the most
    rows an assessment may have refuses the sheet, empty rows there do not."""
    for row, values in sheet.rows:
        if row < FIRST_ANSWER_ROW:
            continue
        if row >= FIRST_ANSWER_ROW + limits.WORKBOOK_MAX_ANSWER_ROWS:
            if not any(_text(value) for value in values.values()):
                continue
            message = _("The sheet has more than %(max)s rows of answers.") % {
                "max": limits.WORKBOOK_MAX_ANSWER_ROWS
            }
            raise WorkbookRefused([CellError(sheet.title, row, None, message)])
        yield row, values


class _RowReader:
    """Reads the answer rows of one sheet, remembering the codes met and the errors."""

    def __init__(self, title: str, columns: dict[str, int], meta: dict, versions, answers):
        self.title, self.columns = title, columns
        self.versions, self.answers = versions, answers
        self.spellings = _status_spellings(meta[META_LANGUAGE])
        self.labels = {key: str(COLUMN_BY_KEY[key].label) for key in COLUMN_KEYS}
        self.read_columns = set(columns.values())
        self.seen: dict[str, int] = {}
        self.errors: list[CellError] = []

    def _refuse(self, row: int, key: str, message: str) -> None:
        self.errors.append(CellError(self.title, row, self.labels[key], message))

    def read(self, row: int, values: dict) -> dict | None:
        """The plan's row for this row, or None: not edited offline, empty, or refused
        (its errors recorded)."""
        self._outside_columns(row, values)
        cells = {key: values.get(column) for key, column in self.columns.items()}
        code = _text(cells["code"])
        editable = {key: _text(cells[key]) for key in ("status", "evidence", "links")}
        if not code:
            if any(editable.values()):
                self._refuse(row, "code", _("The code is missing."))
            return None
        found = self._answer_and_version(row, code)
        if found is None:
            return None
        answer, (file_version, downloaded) = found
        content = self._content(row, editable)
        if content is None:
            return None
        if fingerprint(content) == downloaded or content == answer.content():
            return None  # not edited offline, or already as stored
        return {
            "answer": answer.pk,
            "code": code,
            "row": row,
            "file_version": file_version,
            "content": content,
        }

    def _outside_columns(self, row: int, values: dict) -> None:
        for column, value in sorted(values.items()):
            if column not in self.read_columns and _text(value):
                message = _("This cell is outside the workbook's columns: empty it.")
                self.errors.append(CellError(self.title, row, _letter(column), message))

    def _answer_and_version(self, row: int, code: str):
        """The answer of `code` and (the version, the fingerprint) the download recorded
        for it; None, with the error recorded, for a code twice, unknown or unrecorded."""
        shown = ltr_isolated(code)
        if code in self.seen:
            message = _("%(code)s is also in row %(other)s: keep one row per recommendation.")
            self._refuse(row, "code", message % {"code": shown, "other": self.seen[code]})
            return None
        self.seen[code] = row
        answer = self.answers.get(code)
        if answer is None:
            message = _("%(code)s is not a recommendation of this assessment.")
            self._refuse(row, "code", message % {"code": shown})
            return None
        if code not in self.versions:
            # The hidden sheet has no row for the code: the row named is the answer's.
            self._refuse(row, "code", _("No version is recorded for %(code)s.") % {"code": shown})
            return None
        file_version, downloaded, meta_row = self.versions[code]
        if file_version > answer.version:
            message = _("The version recorded for %(code)s is not one this answer has had.")
            self.errors.append(CellError(META_SHEET, meta_row, "B", message % {"code": shown}))
            return None
        return answer, (file_version, downloaded)

    def _content(self, row: int, editable: dict) -> dict | None:
        """The row's status, evidence and links as the web form would save them; None,
        with the errors recorded, where the form or the answer's limits refuse them."""
        status_text = " ".join(editable["status"].split()).casefold()
        if status_text not in self.spellings:
            message = _("“%(value)s” is not a status: choose one from the list.")
            self._refuse(row, "status", message % {"value": editable["status"][:100]})
            return None
        content = {"status": self.spellings[status_text]}
        for key in ("evidence", "links"):
            try:
                content[key] = AnswerForm.base_fields[key].clean(editable[key])
            except ValidationError as error:
                for message in _field_errors(error):
                    self._refuse(row, key, message)
        if len(content) < 3:
            return None
        try:
            limits.check_answer(evidence=content["evidence"], links=content["links"])
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    self._refuse(row, field, message)
            return None
        return content


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
