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

In another language than English, the official translations into it are searched too:
French, Spanish, Russian and Arabic with their Snowball stemmer (PostgreSQL's text search
configurations of `catalogue/0012`, `snowballstemmer` into an FTS5 index on SQLite, see
search_languages.py), apostrophes and hyphens separating words ("l’homme"), Arabic
without its vowel signs, tatweel and the forms of alef; Chinese, written without spaces,
as typed, anywhere in the text (two characters are enough). Only the translations into the
page's language are searched, with the English text: a Spanish word on a French page finds
no Spanish translation.
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
from .search_languages import ARABIC_LETTERS, SearchLanguage, search_language, stem_words

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


# In a translation apostrophes and hyphens separate words: French "l’homme" is "l" and
# "homme", as "auto-évaluation" is "auto" and "évaluation", on both databases.
WORD_SEPARATORS = APOSTROPHES + "-‐‑"
# What PostgreSQL's parser would read as a path, a tag, an address or a number with a
# decimal point, where SQLite's tokenizer reads words: spaces, for both to read words.
SPACED = "/<>@"
_TRANSLATION_SPACES = str.maketrans(dict.fromkeys(SPACED + WORD_SEPARATORS + ".:", " "))


def fold_translation(text: str) -> str:
    """`fold` for the official translations: "L’auto-évaluation" -> "l auto evaluation",
    Arabic letters typed for one another read as one (search_languages.ARABIC_LETTERS)."""
    return fold(text.translate(_TRANSLATION_SPACES)).translate(ARABIC_LETTERS)


# Where `fold` changes a letter of the scripts searched (Latin, Greek, Cyrillic and
# Arabic): `translate` does the same in SQL.
FOLDED_RANGES = ((0xC0, 0x250), (0x370, 0x400), (0x400, 0x500), (0x600, 0x700))


@functools.cache
def _sql_fold_map(translation: bool = False) -> tuple[str, str]:
    """The two strings `translate` reads to do `fold` (or `fold_translation`) in SQL."""
    # Worked out once: it folds some 1,600 characters (1.4 ms), and every search on
    # PostgreSQL writes it into its query.
    #
    # Each letter folded to another single letter ("é" -> "e", "й" -> "и"), then the
    # marks folding removes (Arabic vowel signs), which `translate` deletes.
    folding = fold_translation if translation else fold
    accented, plain, removed = [], [], []
    for start, end in FOLDED_RANGES:
        for code in range(start, end):
            char = chr(code)
            folded = folding(char)
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
    # The English text's expression is its index's (catalogue/0004): it must not change.
    spaced, deleted = (
        (SPACED + WORD_SEPARATORS + ".:", "") if translation else (SPACED, APOSTROPHES)
    )
    return (
        "".join(accented) + spaced + deleted + "".join(removed),
        "".join(plain) + " " * len(spaced),
    )


class Fold(Func):
    """`fold` in SQL (PostgreSQL): accents and apostrophes removed; with
    `translation=True`, `fold_translation`."""

    function = "translate"
    output_field = TextField()

    def __init__(self, expression, *, translation: bool = False):
        accented, plain = _sql_fold_map(translation)
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


def parse_query(
    query: str,
    target_codes: set[str],
    years: set[int],
    *,
    folding: Callable[[str], str] = fold,
    common: frozenset[str] = STOPWORDS,
) -> ParsedQuery:
    """`years` are the catalogue's report years: another four-digit number ("2030
    Agenda") is a word of the text, not the beginning of a code. `folding` and `common`:
    for the English text by default, `fold_translation` and the language's own for a
    translation."""
    text = folding(query).replace("“", '"').replace("”", '"')
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
        words=[word for word in words if word not in common],
        phrases=[phrase for phrase in phrases if phrase],
        common=[word for word in words if word in common],
    )


@dataclass(frozen=True)
class Translated:
    """The query as the official translations into `code` are searched with it."""

    code: str
    language: SearchLanguage
    parsed: ParsedQuery

    @property
    def is_chinese(self) -> bool:
        return any(_CHINESE.search(term) for term in self.parsed.terms)

    @functools.cached_property
    def stemmed(self) -> tuple[list[str], list[list[str]]]:
        """The words and phrases as the language's stemmer leaves them (SQLite, and the
        highlighting)."""
        return (
            stem_words(self.language, self.parsed.words),
            [stem_words(self.language, phrase) for phrase in self.parsed.phrases],
        )


@dataclass
class SearchResult:
    recommendations: QuerySet
    parsed: ParsedQuery
    translated: Translated | None = None

    @property
    def terms(self) -> list[str]:
        """What to highlight in the results: the terms as typed and, in a language with a
        stemmer, the stems of its words ("protections" marks the "protect" of
        "protection"), but none of two letters or less ("ال")."""
        if self.translated is None or self.translated.is_chinese:
            return self.parsed.terms
        words, _phrases = self.translated.stemmed
        stems = [stem for stem in words if len(stem) > 2]
        return list(dict.fromkeys([*self.parsed.terms, *self.translated.parsed.terms, *stems]))

    def suggestions(self) -> list[str]:
        """Catalogue words close to the words that found nothing ("atrocty" -> "atrocity");
        for the page that says nothing matched (one more query, two in another language:
        the words of its translations first, as they are written, "strategei" ->
        "stratégie")."""
        suggestions = []
        if self.translated is not None and not self.translated.is_chinese:
            suggestions = _translation_suggestions(self.translated)
        suggestions += _suggestions(self.parsed.words)
        return list(dict.fromkeys(suggestions))[:MAX_SUGGESTIONS]


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
    if not any(character.isdigit() for character in query):
        # Every code begins with a report's year: a query without a digit names none, and
        # the addressees and years need not be read.
        target_codes, years = set(), set()
    if target_codes is None:
        target_codes = set(Target.objects.values_list("code", flat=True))
    if years is None:
        years = set(Report.objects.values_list("year", flat=True))
    parsed = parse_query(query, target_codes, years)
    translated = _translated(query, target_codes, years)
    if parsed.is_empty and (translated is None or translated.parsed.is_empty):
        return SearchResult(recommendations=base.none() if query.strip() else base, parsed=parsed)
    found = base
    if parsed.codes:
        codes = Q()
        for code in parsed.codes:
            codes |= code.q()
        found = found.filter(codes)
    if _has_text(parsed) or (translated is not None and _has_text(translated.parsed)):
        found = _text_matches(found, parsed, translated)
    return SearchResult(recommendations=found, parsed=parsed, translated=translated)


def _translated(query: str, target_codes: set[str], years: set[int]) -> Translated | None:
    """In another language than English, the query read for its translations."""
    code = get_language()
    if is_source_language(code):
        return None
    language = search_language(code)
    parsed = parse_query(
        query, target_codes, years, folding=fold_translation, common=language.common
    )
    return Translated(code=code, language=language, parsed=parsed)


def _has_text(parsed: ParsedQuery) -> bool:
    return bool(parsed.words or parsed.phrases)


def _websearch_terms(parsed: ParsedQuery, *, quoted: bool = False) -> str:
    """The words and phrases for `websearch_to_tsquery`; `quoted`: each word in quotes,
    so that none is read as an operator ("or")."""
    words = [f'"{word}"' for word in parsed.words] if quoted else parsed.words
    return " ".join([*words, *(f'"{" ".join(phrase)}"' for phrase in parsed.phrases)])


def _text_matches(
    recommendations: QuerySet, parsed: ParsedQuery, translated: Translated | None
) -> QuerySet:
    """The recommendations whose English text matches, or, in another language, whose
    official translation into it does."""
    if connection.vendor != "postgresql":
        return recommendations.filter(pk__in=_id_list(_fts5_matches(parsed, translated)))
    matches = [_english_matches(parsed)] if _has_text(parsed) else []
    if translated is not None and _has_text(translated.parsed):
        matches.append(_translation_matches(translated))
    # In one query: each is a round trip to the server.
    ids = set(matches[0].union(*matches[1:])) if matches else set()
    return recommendations.filter(pk__in=_id_list(ids))


def _english_matches(parsed: ParsedQuery) -> QuerySet:
    """PostgreSQL: the ids of the recommendations whose English text matches."""
    # The matching ids are read first, in a query of their own, and the page's queries
    # (its count, its rows, their joins) filter on the list: inside them the text search
    # could be planned once per row of a join, thousands of parses per search whenever
    # the table's statistics are off (an empty table just analysed). Unordered: the
    # catalogue order would join the reports and addressees, and the planner may then
    # parse each text once per joined row.
    return (
        Recommendation.objects.annotate(search=SearchVector(Fold("text"), config="english"))
        .filter(
            search=SearchQuery(_websearch_terms(parsed), search_type="websearch", config="english")
        )
        .order_by()
        .values_list("pk", flat=True)
    )


def _id_list(ids: Iterable[int]) -> RawSQL:
    """`ids` as a list the database reads from one parameter (an array, in SQLite a JSON
    one): as hundreds of parameters, one a match, they took each of the page's queries
    (its count, its rows) up to half a millisecond more to prepare, send and log."""
    ids = sorted(set(ids))
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", (ids,))
    return RawSQL("SELECT value FROM json_each(%s)", (json.dumps(ids),))


def translation_search_vector(config: str) -> SearchVector:
    """What the translations are searched in on PostgreSQL, in the text search
    configuration `config`; the indexes of `catalogue/0012` are built from it."""
    return SearchVector(Fold("text", translation=True), config=config)


def _translation_matches(translated: Translated) -> QuerySet:
    """PostgreSQL: the ids of the recommendations whose translation holds every word, as
    its language's stemmer reads them, or, in Chinese, every term."""
    translations = RecommendationTranslation.objects.filter(language=translated.code)
    if translated.is_chinese:
        return _chinese_matches(translations, translated.parsed)
    config = translated.language.config
    return (
        translations.annotate(search=translation_search_vector(config))
        .filter(
            search=SearchQuery(
                _websearch_terms(translated.parsed, quoted=True),
                search_type="websearch",
                config=config,
            )
        )
        .order_by()
        .values_list("recommendation_id", flat=True)
    )


def _chinese_matches(translations: QuerySet, parsed: ParsedQuery) -> QuerySet:
    # Chinese is written without spaces between words: each word and phrase of the query
    # is looked for as it is written, anywhere in the text, however short (保护, 2
    # characters). The translations into one language are a few hundred short texts, read
    # whole in well under a millisecond: no index is worth its upkeep.
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
# by their words as their language's stemmer leaves them (stemmed in Python, as FTS5 has
# no stemmer for them), indexed whole.
ENGLISH_INDEX = (
    "CREATE VIRTUAL TABLE document USING fts5"
    "(body, tokenize = 'porter unicode61 remove_diacritics 2')"
)
WORDS_INDEX = (
    "CREATE VIRTUAL TABLE document USING fts5(body, tokenize = 'unicode61 remove_diacritics 2')"
)


def _fts5_matches(parsed: ParsedQuery, translated: Translated | None) -> list[int]:
    """The ids of all the recommendations that match: the caller's query set keeps those
    among its own."""
    found = []
    if _has_text(parsed):
        match = _fts5_match(parsed.terms)
        found += _fts5_search("english", ENGLISH_INDEX, _recommendation_rows(), match, fold)
    if translated is None or not _has_text(translated.parsed):
        return found
    translations = RecommendationTranslation.objects.filter(language=translated.code)
    if translated.is_chinese:
        return found + list(_chinese_matches(translations, translated.parsed))
    words, phrases = translated.stemmed
    match = _fts5_match([*words, *(" ".join(phrase) for phrase in phrases)])
    language = translated.language
    return found + _fts5_search(
        f"stems-{translated.code}",
        WORDS_INDEX,
        _translation_rows(translated.code),
        match,
        lambda text: " ".join(stem_words(language, _WORD.findall(fold_translation(text)))),
    )


def _fts5_match(terms: list[str]) -> str:
    # Each word and phrase quoted: FTS5 reads them as strings, never as operators.
    return " AND ".join(f'"{term}"' for term in terms)


def _fts5_search(
    key: str, create: str, rows: Rows, match: str, prepare: Callable[[str], str]
) -> list[int]:
    """The rowids `match` finds in the FTS5 index of `rows`, each text indexed as
    `prepare` leaves it."""
    with _KEPT_LOCK:
        index = _kept(f"fts5-{key}", rows, lambda rows: _fts5_index(create, rows, prepare))
        return [row[0] for row in index.execute("SELECT rowid FROM document(?)", (match,))]


def _fts5_index(create: str, rows: Rows, prepare: Callable[[str], str]) -> sqlite3.Connection:
    # A private in-memory database: the search never writes to the application's. Used
    # by one thread at a time (under _KEPT_LOCK), whichever thread built it.
    index = sqlite3.connect(":memory:", check_same_thread=False)
    index.execute(create)
    index.executemany(
        "INSERT INTO document (rowid, body) VALUES (?, ?)",
        ((pk, prepare(text)) for pk, text in rows),
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


# A word as written, its marks included (Arabic vowel signs, tatweel; combining accents):
# `_WORD` would cut it at each.
_WRITTEN_WORD = re.compile(
    r"[^\W_](?:[^\W_]|[\u0300-\u036f\u0610-\u061a\u0640\u064b-\u065f\u0670])*"
)


def _translation_suggestions(translated: Translated) -> list[str]:
    if not translated.parsed.words:
        return []
    rows = _translation_rows(translated.code)
    with _KEPT_LOCK:
        vocabulary = _kept(f"vocabulary-{translated.code}", rows, _written_vocabulary)
    suggestions = []
    for word in translated.parsed.words:
        if word in vocabulary:
            continue
        close = difflib.get_close_matches(word, vocabulary, n=MAX_SUGGESTIONS, cutoff=0.75)
        suggestions += [vocabulary[folded] for folded in close]
    return suggestions


def _written_vocabulary(rows: Rows) -> dict[str, str]:
    """The words of the translations, folded as the search folds them, each with the
    first spelling it is written with (a suggestion is offered as written: "военной",
    not "военнои"), tatweel aside."""
    vocabulary = {}
    for _pk, text in rows:
        for written in _WRITTEN_WORD.findall(text):
            folded = fold_translation(written)
            if _WORD.fullmatch(folded):
                vocabulary.setdefault(folded, written.replace("ـ", "").lower())
    return vocabulary
