"""The layout of the offline workbook, shared by its export and its import.

The answers sheet has two header rows: row 1 holds fixed column keys (hidden), row 2
the headings in the user's language. The import finds columns by their key, so a
workbook whose columns were moved still reads; the headings are for people only.
The metadata sheet is very hidden and protected, but nothing in it is trusted: the
import checks every value against the database.
"""

import json
from dataclasses import dataclass
from hashlib import sha256

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Raised when the layout changes incompatibly; an older workbook is then refused.
FORMAT_VERSION = 1

META_SHEET = "r2p_meta"
KEY_ROW = 1
HEADER_ROW = 2
FIRST_ANSWER_ROW = 3

# The metadata sheet: one name and value per row, then a code and its version per answer.
META_FORMAT, META_ASSESSMENT, META_STATE, META_CYCLE, META_LANGUAGE = (
    "format",
    "assessment",
    "member_state",
    "cycle",
    "language",
)
META_ANSWERS_ROW = 10  # where the rows of (code, version, fingerprint) start
META_STATUS_COLUMN = "E"  # the drop-down's labels, one per row from row 1


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise
    width: int
    editable: bool = False


COLUMNS = (
    Column("code", _("Code"), 14),
    Column("report", _("Report"), 28),
    Column("text", _("Recommendation"), 60),
    Column("paragraphs", _("Paragraphs"), 12),
    Column("status", _("Status"), 24, editable=True),
    Column("evidence", _("Evidence"), 70, editable=True),
    Column("links", _("Links (one per line)"), 40, editable=True),
)
COLUMN_KEYS = tuple(column.key for column in COLUMNS)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}


def fingerprint(content: dict) -> str:
    """A short digest of an answer's content as downloaded: an upload whose row still
    has it was not edited offline, and is neither a change nor a conflict."""
    data = json.dumps(
        [content["status"], content["evidence"], list(content["links"])], ensure_ascii=False
    )
    return sha256(data.encode()).hexdigest()[:20]
