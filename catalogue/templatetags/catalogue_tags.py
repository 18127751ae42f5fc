import functools
import html
import re
import unicodedata
from collections.abc import Iterable

from django import template
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from catalogue.bidi import isolated, ltr_isolated

from ..models import Recommendation, shown_in, target_label
from ..original_texts import marked_original
from ..search import APOSTROPHES, fold
from ..search_languages import ARABIC_LETTERS

register = template.Library()


@register.filter
def highlight(text: str, terms: list[str]):
    """Wrap each search term found in `text` in <mark>, escaping everything else.

    The terms are folded as the search folds them (accents, case and apostrophes aside:
    "strategie" marks "stratégie"), and matched against the text folded character by
    character, so each match maps back to the characters as written. Each piece is
    escaped on its own, so a term can never match inside an HTML entity or a tag
    inserted earlier.
    """
    pattern = _terms_pattern(tuple(terms))
    if pattern is None:
        return escape(text)
    folded, origin = _folded_with_origin(text)
    # The standard library's escape, which Django's wraps: called for each piece of each
    # result, the wrapper's cost shows.
    pieces, last = [], 0
    for match in pattern.finditer(folded):
        start, end = origin(match.start()), origin(match.end() - 1) + 1
        # The marks on the last letter (an Arabic vowel sign) stay with it.
        while end < len(text) and unicodedata.combining(text[end]):
            end += 1
        if start < last:
            continue
        pieces.append(html.escape(text[last:start]))
        pieces.append(f"<mark>{html.escape(text[start:end])}</mark>")
        last = end
    pieces.append(html.escape(text[last:]))
    return mark_safe("".join(pieces))  # noqa: S308 (every piece is escaped above)


@functools.lru_cache(maxsize=64)
def _terms_pattern(terms: tuple[str, ...]) -> re.Pattern | None:
    # A page highlights the same terms in each of its results: folded and compiled once.
    folded_terms = sorted({_fold(term) for term in terms} - {""}, key=len, reverse=True)
    if not folded_terms:
        return None
    return re.compile("|".join(re.escape(term) for term in folded_terms))


def _folded_with_origin(text: str):
    """`text` folded character by character, and where each folded character comes from."""
    if text.isascii() and not any(apostrophe in text for apostrophe in APOSTROPHES):
        # Most of the catalogue: folding is lower case, character for character.
        return text.lower(), lambda index: index
    folded, origin = [], []
    for index, char in enumerate(text):
        for folded_char in _fold_char(char):
            folded.append(folded_char)
            origin.append(index)
    return "".join(folded), origin.__getitem__


def _fold(text: str) -> str:
    # As the search reads Arabic: tatweel aside, alef wasla and maksura as alef and ya.
    return fold(text).translate(ARABIC_LETTERS)


_fold_char = functools.lru_cache(maxsize=4096)(_fold)


@register.filter
def shown(obj, field: str) -> str:
    """The plain text `in_language` shows, for where no markup may go (a page's title)."""
    return shown_in(obj, field).text


@register.filter
def ltr(value):
    """`value` as a run of its own read left to right, whatever the page's direction:
    in Arabic, paragraph numbers "13–27, 46–47" would otherwise show as "47–46 ,27–13"."""
    return format_html('<span dir="ltr">{}</span>', value)


@register.filter(name="isolated")
def isolated_filter(value) -> str:
    """`catalogue.bidi.isolated`: a name as a run of its own in a right-to-left PDF."""
    return isolated(value)


@register.filter
def ltr_text(value) -> str:
    """`ltr` for plain text (an e-mail's text part): in a right-to-left language, `value`
    between the Unicode marks that isolate a left-to-right run; elsewhere as it is."""
    return ltr_isolated(value)


@register.simple_tag
def in_language(obj, field: str, terms: list[str] | None = None):
    """A report's title or a recommendation's text in the active language (`shown_in`),
    or the English original marked quietly as such (`marked_original`; the page says
    once what the mark means). `terms`: search terms to highlight."""
    shown = shown_in(obj, field)
    text = highlight(shown.text, terms or [])
    return marked_original(text) if shown.original else text


@register.simple_tag
def frozen_text(item: dict, field: str):
    """A snapshot's title or recommendation text as `readable()` gives it, marked as the
    English original where it is one."""
    text = item[f"{field}_shown"]
    return marked_original(text) if item.get(f"{field}_original") else text


# One row of the recommendations table; every value is escaped, the text marked up by
# `in_language`.
_RECOMMENDATION_ROW = (
    '<tr><th scope="row" class="recommendation-code"><a href="{url}">{code}</a></th>'
    '<td>{text}</td><td>{target}</td><td><a href="{report_url}">{report_year}</a></td></tr>\n'
)


@register.simple_tag
def recommendation_rows(recommendations: Iterable[Recommendation], terms: list[str]):
    """The rows of the recommendations table, for recommendations read with
    `with_report_year_and_target_name()`: code, text in the active language with the
    search `terms` highlighted, addressee, report.

    One tag for the page rather than ten template nodes a row (~2 µs each) and two
    `reverse()` calls (~15 µs each): 50 rows took 2.8 ms to render, and take 0.4 ms. Each
    report's URL is reversed once, and each addressee's label translated once.
    """
    report_urls, labels, rows = {}, {}, []
    for recommendation in recommendations:
        year, name = recommendation.report_year, recommendation.target_name
        if year not in report_urls:
            report_urls[year] = reverse("catalogue:report_detail", args=[year])
        if name not in labels:
            labels[name] = target_label(name)
        rows.append(
            _RECOMMENDATION_ROW.format(
                # Recommendation.get_absolute_url, from its report's URL reversed once.
                url=html.escape(f"{report_urls[year]}#{recommendation.code}"),
                code=html.escape(recommendation.code),
                text=in_language(recommendation, "text", terms),
                target=html.escape(labels[name]),
                report_url=html.escape(report_urls[year]),
                report_year=year,
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 (each value escaped, the text by in_language)
