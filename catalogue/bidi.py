"""Left-to-right runs inside right-to-left text.

A recommendation's code ("2013-MS-04") or a list of them put into an Arabic sentence
is reordered by the bidirectional algorithm ("MS-04-2013"); between the Unicode marks
that isolate a left-to-right run it reads as written. Plain text only: HTML uses
`<span dir="ltr">` (the `ltr` template filter) or `<bdi>`.
"""

from django.utils.translation import get_language_bidi, pgettext

LRI, PDI = "\u2066", "\u2069"


def ltr_isolated(value) -> str:
    """`value` as a left-to-right run in a right-to-left language; as it is elsewhere."""
    return f"{LRI}{value}{PDI}" if get_language_bidi() else str(value)


def code_list(codes) -> str:
    """Recommendation codes as a list in a sentence of the active language."""
    # Translators: between two recommendation codes in a sentence ("2013-MS-01, 2014-MS-02").
    return pgettext("between codes", ", ").join(ltr_isolated(code) for code in codes)
