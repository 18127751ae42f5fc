"""How much one answer and one assessment may hold.

Every limit is meant never to be met by a delegation (an assessment may hold about
seventy pages of evidence), and together they bound the work of rendering, exporting
and e-mailing the worst assessment the forms accept: its country report renders in
under ten seconds and 500 MB (docs/limits.md gives the measurements). The PDF's cost
grows with its lines, so lines are counted as well as characters. An answer may hold
only characters the report can print.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from r2p_site.fonts import validate_printable

# A comment of the secretariat on an assessment or an answer, and a delegation's reply.
COMMENT_MAX_CHARS = 5_000
# Why the secretariat granted an extension.
EXTENSION_REASON_MAX_CHARS = 2_000

# One answer.
EVIDENCE_MAX_CHARS = 10_000
EVIDENCE_MAX_LINES = 100
LINKS_MAX = 10
LINK_MAX_CHARS = 300
FILES_MAX = 10
FILES_MAX_BYTES = 50 * 1024 * 1024

# One assessment, all answers together.
ASSESSMENT_EVIDENCE_MAX_CHARS = 200_000
ASSESSMENT_EVIDENCE_MAX_LINES = 3_000
ASSESSMENT_LINKS_MAX = 200
ASSESSMENT_FILES_MAX = 200
ASSESSMENT_FILES_MAX_BYTES = 500 * 1024 * 1024


def line_count(text: str) -> int:
    return text.count("\n") + 1 if text else 0


def check_answer(*, evidence: str, links: list[str]) -> None:
    """Refuse an answer over the limits of one answer or with characters the report
    cannot print, naming each field refused (with the first reason for each)."""
    errors = {}
    for field, check, value in (
        ("evidence", _check_evidence, evidence),
        ("links", _check_links, links),
    ):
        try:
            check(value)
        except ValidationError as error:
            errors[field] = error
    if errors:
        raise ValidationError(errors)


def _check_evidence(evidence: str) -> None:
    if len(evidence) > EVIDENCE_MAX_CHARS:
        raise ValidationError(
            _("Evidence may be at most %(max)s characters long.") % {"max": EVIDENCE_MAX_CHARS}
        )
    if line_count(evidence) > EVIDENCE_MAX_LINES:
        raise ValidationError(
            _("Evidence may have at most %(max)s lines.") % {"max": EVIDENCE_MAX_LINES}
        )
    validate_printable(evidence)


def _check_links(links: list[str]) -> None:
    if len(links) > LINKS_MAX:
        raise ValidationError(_("Give at most %(max)s links.") % {"max": LINKS_MAX})
    if any(len(link) > LINK_MAX_CHARS for link in links):
        raise ValidationError(
            _("A link may be at most %(max)s characters long.") % {"max": LINK_MAX_CHARS}
        )
    validate_printable("\n".join(links))


@dataclass(frozen=True)
class Growth:
    """How much one save changes the evidence totals of its assessment."""

    chars: int = 0
    lines: int = 0
    links: int = 0

    @classmethod
    def of(cls, *, before: dict, after: dict) -> "Growth":
        return cls(
            chars=len(after["evidence"]) - len(before["evidence"]),
            lines=line_count(after["evidence"]) - line_count(before["evidence"]),
            links=len(after["links"]) - len(before["links"]),
        )

    def room_needed(self) -> dict:
        """Filters on the assessment's totals that leave room for this growth.

        Only growth is checked: an answer that shrinks is always welcome.
        """
        return {
            f"{field}__lte": maximum - grows
            for field, maximum, grows in self._totals()
            if grows > 0
        }

    def refusal(self, assessment) -> ValidationError:
        """The message for the first total this growth would take over its limit."""
        messages = {
            "evidence_chars": (
                "evidence",
                _(
                    "The evidence of all answers together may be at most %(max)s "
                    "characters; this answer would take the assessment to %(total)s."
                ),
            ),
            "evidence_lines": (
                "evidence",
                _(
                    "The evidence of all answers together may have at most %(max)s lines; "
                    "this answer would take the assessment to %(total)s."
                ),
            ),
            "link_count": (
                "links",
                _(
                    "An assessment may have at most %(max)s links in all; this answer "
                    "would take it to %(total)s."
                ),
            ),
        }
        for field, maximum, grows in self._totals():
            total = getattr(assessment, field) + grows
            if grows > 0 and total > maximum:
                name, message = messages[field]
                return ValidationError({name: message % {"max": maximum, "total": total}})
        return ValidationError(_("This answer does not fit in the assessment."))

    def _totals(self):
        # Read at call time, so that a changed limit applies at once.
        return [
            ("evidence_chars", ASSESSMENT_EVIDENCE_MAX_CHARS, self.chars),
            ("evidence_lines", ASSESSMENT_EVIDENCE_MAX_LINES, self.lines),
            ("link_count", ASSESSMENT_LINKS_MAX, self.links),
        ]


def check_files(*, answer_files: list, assessment_count: int, assessment_bytes: int, size: int):
    """Refuse one more file of `size` bytes beyond the quotas of its answer or assessment."""
    if len(answer_files) + 1 > FILES_MAX:
        raise ValidationError(
            ngettext(
                "An answer may have at most %(max)s file.",
                "An answer may have at most %(max)s files.",
                FILES_MAX,
            )
            % {"max": FILES_MAX}
        )
    if sum(item.size for item in answer_files) + size > FILES_MAX_BYTES:
        raise ValidationError(
            _("The files of one answer may take at most %(max)s in all.")
            % {"max": filesizeformat(FILES_MAX_BYTES)}
        )
    if assessment_count + 1 > ASSESSMENT_FILES_MAX:
        raise ValidationError(
            _("An assessment may have at most %(max)s files in all.")
            % {"max": ASSESSMENT_FILES_MAX}
        )
    if assessment_bytes + size > ASSESSMENT_FILES_MAX_BYTES:
        raise ValidationError(
            _("The files of one assessment may take at most %(max)s in all.")
            % {"max": filesizeformat(ASSESSMENT_FILES_MAX_BYTES)}
        )


# One uploaded workbook (docs/workbooks.md). A downloaded workbook of 153 answers is about
# 30 KB and unpacks to under 1 MB; each bound leaves room for a catalogue grown several
# times over and for what spreadsheets add on saving, and together they keep the reading
# of the worst workbook accepted under a second of CPU (docs/benchmarks.md). Parts, sizes,
# rows of a sheet, cells, shared strings and elements are checked in the archive's
# directory and its raw XML, before any parser reads it.
WORKBOOK_MAX_PARTS = 100
WORKBOOK_MAX_UNPACKED_BYTES = 30 * 1024 * 1024
WORKBOOK_MAX_RATIO = 100  # unpacked / packed, for a part of more than 1 MiB
WORKBOOK_MAX_ANSWER_ROWS = 1_000  # a cycle has 153 Member State recommendations
WORKBOOK_MAX_COLUMNS = 30
# Cells, shared strings and XML elements of the whole workbook, empty ones included:
# reading costs a few microseconds for each, whatever it holds.
WORKBOOK_MAX_CELLS = 30_000
WORKBOOK_MAX_SHARED_STRINGS = 30_000
WORKBOOK_MAX_XML_ELEMENTS = 150_000
# The text read from one cell stops here (Excel's own limit): longer text is refused
# anyway by the column it is in.
WORKBOOK_MAX_CELL_CHARS = 32_767
# The plan of changes waits in the session between the preview and the apply.
WORKBOOK_MAX_PLAN_BYTES = 1024 * 1024
