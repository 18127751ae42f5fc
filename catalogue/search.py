"""Catalogue search that finds what people mean: one entry point, `search_recommendations`.

- Words are stemmed ("atrocities" finds "atrocity", "preventing" finds "prevention"),
  accents and apostrophes are ignored, every word must be found, "quoted phrases"
  are found as phrases, and very common words ("the", "of") are left out.
- Codes may be written loosely: `2013-MS-04`, `2013 MS 04`, `2013ms4`, or `MS-04`
  (the fourth recommendation to Member States of every report); a code's beginning
  finds all it begins: `2013 MS` the 2013 report's recommendations to Member States,
  `2013` (a report's year) all of that report's.

PostgreSQL searches with its English full-text configuration over the text with
accents and apostrophes removed in SQL (`translate`, no extension needed); SQLite
with an FTS5 index and its Porter stemmer, in a private in-memory database kept by
the process and built again when the texts it holds change (`_kept`).
The two stemmers differ on rare words, never on the cases the tests pin.

In another language than English, the official translations into it are searched too,
by whole words (`simple` on PostgreSQL, FTS5 without stemmer on SQLite); Chinese,
written without spaces, as typed, anywhere in the text.
"""

import difflib
import functools
import json
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Func, Q, QuerySet, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.utils.translation import get_language

from .models import (
    Recommendation,
    RecommendationTranslation,
    Report,
    Target,
    is_source_language,
)

APOSTROPHES = "'’‘ʼ`´"

# Left out of unquoted words, as PostgreSQL's English configuration leaves them out.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "their",
        "this",
        "to",
        "was",
        "were",
        "which",
        "will",
        "with",
    ]
)

_SEPARATOR = r"\s*[-_/.\s]?\s*"
_CODE = re.compile(
    rf"(?<![a-z0-9])(?:(?P<year>\d{{4}}){_SEPARATOR})?(?P<target>[a-z]{{2,5}}){_SEPARATOR}"
    r"(?P<position>\d{1,3})(?![a-z0-9])"
)
# The beginnings of a code: a report's year and an addressee ("2013 MS"), or the year alone.
_YEAR_TARGET = re.compile(
    rf"(?<![a-z0-9])(?P<year>\d{{4}}){_SEPARATOR}(?P<target>[a-z]{{2,5}})(?![a-z0-9])"
)
_YEAR = re.compile(r"(?<![a-z0-9])(?P<year>\d{4})(?![a-z0-9])")
_PHRASE = re.compile(r'"([^"]*)"')
# Letters and digits of any script: the official translations are searched too.
_WORD = re.compile(r"[^\W_]+")
_CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")

# Closest catalogue words offered when nothing matches.
MAX_SUGGESTIONS = 3


def fold(text: str) -> str:
    """Lower case, without accents and apostrophes: "Côte d’Ivoire" -> "cote divoire"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return plain.translate({ord(char): None for char in APOSTROPHES}).casefold()


# Where `fold` changes a letter of the scripts searched (Latin, Greek, Cyrillic and
# Arabic): `translate` does the same in SQL.
FOLDED_RANGES = ((0xC0, 0x250), (0x370, 0x400), (0x400, 0x500), (0x600, 0x700))


@functools.cache
def _sql_fold_map() -> tuple[str, str]:
    # Worked out once: it folds some 1,600 characters (1.4 ms), and every search on
    # PostgreSQL writes it into its query.
    #
    # Each letter folded to another single letter ("é" -> "e", "й" -> "и"), then the
    # marks folding removes (Arabic vowel signs), which `translate` deletes.
    accented, plain, removed = [], [], []
    for start, end in FOLDED_RANGES:
        for code in range(start, end):
            char = chr(code)
            folded = fold(char)
            if folded == char.lower():
                continue
            if not folded:
                removed.append(char)
            elif len(folded) == 1 and folded.isalpha():
                accented.append(char)
                plain.append(folded)
    # PostgreSQL's parser reads "genocide/atrocity" as a path and "<girls>" as a tag
    # (neither indexed as words): those characters become spaces, as FTS5 reads them.
    # Characters of the first string without a counterpart in the second are removed.
    spaced = "/<>@"
    return (
        "".join(accented) + spaced + APOSTROPHES + "".join(removed),
        "".join(plain) + " " * len(spaced),
    )


class Fold(Func):
    """`fold` in SQL (PostgreSQL): accents and apostrophes removed."""

    function = "translate"
    output_field = TextField()

    def __init__(self, expression):
        accented, plain = _sql_fold_map()
        super().__init__(Lower(expression), Value(accented), Value(plain))


@dataclass(frozen=True)
class Code:
    """A code, or its beginning: each part that is given narrows what it finds."""

    target: str | None = None
    position: int | None = None
    year: int | None = None

    def q(self) -> Q:
        query = Q()
        if self.target is not None:
            query &= Q(section__target__code=self.target)
        if self.position is not None:
            query &= Q(position=self.position)
        if self.year is not None:
            query &= Q(section__report__year=self.year)
        return query


@dataclass(frozen=True)
class ParsedQuery:
    codes: list[Code] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    phrases: list[list[str]] = field(default_factory=list)
    common: list[str] = field(default_factory=list)  # words left out as too common

    @property
    def is_empty(self) -> bool:
        return not (self.codes or self.words or self.phrases)

    @property
    def terms(self) -> list[str]:
        """What to highlight in the results."""
        return [*self.words, *(" ".join(phrase) for phrase in self.phrases)]


def parse_query(query: str, target_codes: set[str], years: set[int]) -> ParsedQuery:
    """`years` are the catalogue's report years: another four-digit number ("2030
    Agenda") is a word of the text, not the beginning of a code."""
    text = fold(query).replace("“", '"').replace("”", '"')
    codes = []

    def take_code(match):
        groups = match.groupdict()
        target = groups["target"].upper() if groups.get("target") else None
        year = int(groups["year"]) if groups.get("year") else None
        if (target is not None and target not in target_codes) or (
            year is not None and year not in years
        ):
            return match.group()
        position = int(groups["position"]) if groups.get("position") else None
        codes.append(Code(target=target, position=position, year=year))
        return " "

    phrases = [_WORD.findall(phrase) for phrase in _PHRASE.findall(text)]
    rest = _PHRASE.sub(" ", text)
    # Whole codes first, then the beginnings left: "2013 MS 04" is one code, not three.
    for pattern in (_CODE, _YEAR_TARGET, _YEAR):
        rest = pattern.sub(take_code, rest)
    words = _WORD.findall(rest)
    return ParsedQuery(
        codes=codes,
        words=[word for word in words if word not in STOPWORDS],
        phrases=[phrase for phrase in phrases if phrase],
        common=[word for word in words if word in STOPWORDS],
    )


@dataclass
class SearchResult:
    recommendations: QuerySet
    parsed: ParsedQuery

    def suggestions(self) -> list[str]:
        """Catalogue words close to the words that found nothing ("atrocty" -> "atrocity");
        for the page that says nothing matched (one more query)."""
        return _suggestions(self.parsed.words)


def search_recommendations(
    query: str,
    recommendations: QuerySet | None = None,
    *,
    target_codes: set[str] | None = None,
    years: set[int] | None = None,
) -> SearchResult:
    """The recommendations of `recommendations` (all of them by default) matching `query`,
    in their order. `target_codes` and `years` (of the reports) save reading them when
    the caller has them."""
    base = Recommendation.objects.all() if recommendations is None else recommendations
    if target_codes is None:
        target_codes = set(Target.objects.values_list("code", flat=True))
    if years is None:
        years = set(Report.objects.values_list("year", flat=True))
    parsed = parse_query(query, target_codes, years)
    if parsed.is_empty:
        return SearchResult(recommendations=base.none() if query.strip() else base, parsed=parsed)
    found = base
    if parsed.codes:
        codes = Q()
        for code in parsed.codes:
            codes |= code.q()
        found = found.filter(codes)
    if parsed.words or parsed.phrases:
        found = _text_matches(found, parsed)
    return SearchResult(recommendations=found, parsed=parsed)


def _text_matches(recommendations: QuerySet, parsed: ParsedQuery) -> QuerySet:
    """The recommendations whose English text matches, or, in another language, whose
    official translation into it does."""
    language = get_language()
    translated = None if is_source_language(language) else language
    if connection.vendor != "postgresql":
        return recommendations.filter(pk__in=_id_list(_fts5_matches(parsed, translated)))
    terms = [*parsed.words, *(f'"{" ".join(phrase)}"' for phrase in parsed.phrases)]
    # The matching ids are read first, in a query of their own, and the page's queries
    # (its count, its rows, their joins) filter on the list: inside them the text search
    # could be planned once per row of a join, thousands of parses per search whenever
    # the table's statistics are off (an empty table just analysed). Unordered: the
    # catalogue order would join the reports and addressees, and the planner may then
    # parse each text once per joined row.
    ids = set(
        Recommendation.objects.annotate(search=SearchVector(Fold("text"), config="english"))
        .filter(search=SearchQuery(" ".join(terms), search_type="websearch", config="english"))
        .order_by()
        .values_list("pk", flat=True)
    )
    if translated:
        ids.update(_translation_matches(translated, parsed, terms))
    return recommendations.filter(pk__in=_id_list(ids))


def _id_list(ids: Iterable[int]) -> RawSQL:
    """`ids` as a list the database reads from one parameter (an array, in SQLite a JSON
    one): as hundreds of parameters, one a match, they took each of the page's queries
    (its count, its rows) up to half a millisecond more to prepare, send and log."""
    ids = sorted(set(ids))
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", (ids,))
    return RawSQL("SELECT value FROM json_each(%s)", (json.dumps(ids),))


def _translation_matches(language: str, parsed: ParsedQuery, terms: list[str]) -> QuerySet:
    """PostgreSQL: the ids of the recommendations whose translation into `language` holds
    every word, whole (no stemmer serves all five languages), accents aside."""
    translations = RecommendationTranslation.objects.filter(language=language)
    if _has_chinese(parsed):
        return _chinese_matches(translations, parsed)
    return (
        translations.annotate(search=SearchVector(Fold("text"), config="simple"))
        .filter(search=SearchQuery(" ".join(terms), search_type="websearch", config="simple"))
        .order_by()
        .values_list("recommendation_id", flat=True)
    )


def _has_chinese(parsed: ParsedQuery) -> bool:
    return any(_CHINESE.search(term) for term in parsed.terms)


def _chinese_matches(translations: QuerySet, parsed: ParsedQuery) -> QuerySet:
    # Chinese is written without spaces between words: each word and phrase of the query
    # is looked for as it is written, anywhere in the text.
    for term in parsed.terms:
        translations = translations.filter(text__icontains=term.replace(" ", ""))
    return translations.order_by().values_list("recommendation_id", flat=True)


# What is derived from the catalogue's texts (SQLite's FTS5 indexes, the words that
# suggestions are chosen from) costs several milliseconds a search to derive, folding
# every text, and the texts change only when the secretariat edits the catalogue. So
# each is kept in this process with the rows it was derived from; each search reads the
# rows again (one query, a fraction of a millisecond) and derives anew only if they
# differ. Comparing the texts themselves, not a count or a date, is what lets an edit, a
# new recommendation or translation, or a transaction rolled back be seen at once, from
# whatever process made it, with no signal to miss and no field to keep up to date.
Rows = list[tuple[int, str]]
Derived = TypeVar("Derived")
_KEPT: dict[str, tuple[Rows, object]] = {}
# Threads of one process share what is kept, an index's database connection included.
_KEPT_LOCK = threading.Lock()


def _kept(key: str, rows: Rows, derive: Callable[[Rows], Derived]) -> Derived:
    """`derive(rows)`, kept under `key` while the rows stay the same. Call it with
    `_KEPT_LOCK` held."""
    kept = _KEPT.get(key)
    if kept is None or kept[0] != rows:
        kept = _KEPT[key] = (rows, derive(rows))
    return kept[1]


def _recommendation_rows() -> Rows:
    return list(Recommendation.objects.order_by("pk").values_list("pk", "text"))


def _translation_rows(language: str) -> Rows:
    return list(
        RecommendationTranslation.objects.filter(language=language)
        .order_by("recommendation_id")
        .values_list("recommendation_id", "text")
    )


# FTS5 indexes for SQLite: the English text with the Porter stemmer; the translations
# by whole words.
ENGLISH_INDEX = (
    "CREATE VIRTUAL TABLE document USING fts5"
    "(body, tokenize = 'porter unicode61 remove_diacritics 2')"
)
WORDS_INDEX = (
    "CREATE VIRTUAL TABLE document USING fts5(body, tokenize = 'unicode61 remove_diacritics 2')"
)


def _fts5_matches(parsed: ParsedQuery, language: str | None) -> list[int]:
    """The ids of all the recommendations that match: the caller's query set keeps those
    among its own."""
    # Each word and phrase quoted: FTS5 reads them as strings, never as operators.
    match = " AND ".join(f'"{term}"' for term in parsed.terms)
    found = _fts5_search("english", ENGLISH_INDEX, _recommendation_rows(), match)
    if language:
        if _has_chinese(parsed):
            translations = RecommendationTranslation.objects.filter(language=language)
            found += list(_chinese_matches(translations, parsed))
        else:
            rows = _translation_rows(language)
            found += _fts5_search(f"words-{language}", WORDS_INDEX, rows, match)
    return found


def _fts5_search(key: str, create: str, rows: Rows, match: str) -> list[int]:
    with _KEPT_LOCK:
        index = _kept(f"fts5-{key}", rows, lambda rows: _fts5_index(create, rows))
        return [row[0] for row in index.execute("SELECT rowid FROM document(?)", (match,))]


def _fts5_index(create: str, rows: Rows) -> sqlite3.Connection:
    # A private in-memory database: the search never writes to the application's. Used
    # by one thread at a time (under _KEPT_LOCK), whichever thread built it.
    index = sqlite3.connect(":memory:", check_same_thread=False)
    index.execute(create)
    index.executemany(
        "INSERT INTO document (rowid, body) VALUES (?, ?)",
        ((pk, fold(text)) for pk, text in rows),
    )
    return index


def _suggestions(words: list[str]) -> list[str]:
    if not words:
        return []
    rows = _recommendation_rows()
    with _KEPT_LOCK:
        vocabulary = _kept("vocabulary", rows, _vocabulary)
    suggestions = []
    for word in words:
        if word in vocabulary:
            continue
        suggestions += difflib.get_close_matches(word, vocabulary, n=MAX_SUGGESTIONS, cutoff=0.75)
    return list(dict.fromkeys(suggestions))[:MAX_SUGGESTIONS]


def _vocabulary(rows: Rows) -> frozenset[str]:
    """The catalogue's words, folded as the search folds them."""
    return frozenset(word for _pk, text in rows for word in _WORD.findall(fold(text)))
