"""Left-to-right runs inside right-to-left text.

A recommendation's code ("2013-MS-04") or a list of them put into an Arabic sentence
is reordered by the bidirectional algorithm ("MS-04-2013"); between the Unicode marks
that isolate a left-to-right run it reads as written. Plain text and the PDF: HTML for
browsers uses `<span dir="ltr">` (the `ltr` template filter) or `<bdi>`.
"""

import re

from django.utils.translation import get_language_bidi, pgettext

LRI, FSI, PDI = "\u2066", "\u2068", "\u2069"
# Every mark that steers direction without being seen: marks, embeddings, overrides and
# isolates.
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def without_controls(text: str) -> str:
    """`text` as read: without its invisible direction marks (extracted from a PDF, or a
    page in Arabic)."""
    return BIDI_CONTROLS.sub("", text)


def ltr_isolated(value) -> str:
    """`value` as a left-to-right run in a right-to-left language; as it is elsewhere."""
    return f"{LRI}{value}{PDI}" if get_language_bidi() else str(value)


def isolated(value) -> str:
    """`value` (a name: of a State, a cycle, a person) as a run of its own that takes the
    direction of its first letter, in a right-to-left language; as it is elsewhere. For
    the PDF: WeasyPrint does not isolate <bdi>, Pango honours the marks."""
    return f"{FSI}{value}{PDI}" if get_language_bidi() else str(value)


def code_list(codes) -> str:
    """Recommendation codes as a list in a sentence of the active language."""
    # Translators: between two recommendation codes in a sentence ("2013-MS-01, 2014-MS-02").
    return pgettext("between codes", ", ").join(ltr_isolated(code) for code in codes)
