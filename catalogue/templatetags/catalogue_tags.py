import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def highlight(text: str, terms: list[str]):
    """Wrap each search term found in `text` in <mark>, escaping everything else.

    Matching runs on the raw text, and each piece is escaped on its own, so a
    term can never match inside an HTML entity or a tag inserted earlier.
    """
    if not terms:
        return escape(text)
    pattern = re.compile(
        "|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True)),
        re.IGNORECASE,
    )
    pieces, last = [], 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[last : match.start()]))
        pieces.append(format_html("<mark>{}</mark>", match.group()))
        last = match.end()
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))  # noqa: S308 (every piece is escaped above)
