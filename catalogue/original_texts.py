"""Catalogue texts shown in their English original for want of an official translation:
each marked quietly where it stands, the page saying once what the marks mean.

A page in French may hold 153 recommendations awaiting their French text: a note beside
each said "English original" 153 times. Each is now marked by its `lang` (screen readers
switch voice) and a small "EN", and the page carries one notice, put in by
`OriginalTextsNoticeMiddleware` where the layout leaves `NOTICE_PLACE`, only on pages that
show such a text: answer cards cached as HTML are seen too.
"""

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, get_language_info, gettext

from .models import is_source_language

MARK_CLASS = "original-en"
NOTICE_PLACE = "<!--original-texts-notice-->"


def marked_original(text: str) -> SafeString:
    """`text` (escaped, or already safe) as an English original in a page of another
    language."""
    return format_html(
        '<span lang="en" dir="ltr" class="{}">{}</span>'
        '<sup class="original-marker" aria-hidden="true">EN</sup>',
        MARK_CLASS,
        text,
    )


def notice_text() -> str:
    """What the marks mean, in the active language (pages and the country report)."""
    return gettext(
        "Texts marked EN await their official translation into %(language)s: they are "
        "shown in their English original."
    ) % {
        # In the sentence: "en français", "al español", "на русский язык" (Arabic and
        # Chinese have no case).
        "language": get_language_info(get_language())["name_translated"].lower()
    }


def notice() -> str:
    return format_html(
        '<p class="alert alert-secondary small original-texts-notice" role="note">{}</p>',
        notice_text(),
    )


class OriginalTextsNoticeMiddleware:
    """Puts the page's one notice about English originals in its place, if the page
    shows any (an HTML page in another language than English)."""

    marker = f'class="{MARK_CLASS}"'.encode()
    place = NOTICE_PLACE.encode()

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.streaming
            or not response.get("Content-Type", "").startswith("text/html")
            or is_source_language(get_language())
        ):
            return response
        content = response.content
        if self.place in content and self.marker in content:
            response.content = content.replace(self.place, notice().encode(response.charset), 1)
        return response
