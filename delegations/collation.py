"""State names in the order their readers expect, by the CLDR's collation of each
language through ICU: Chinese by pinyin, Russian with Ё beside Е, Arabic by its
alphabet with hamza forms together, French accents second.

Lists of States (193 at most) are sorted in Python, the same on SQLite and
PostgreSQL, rather than by a database collation that each would spell its own way;
a list the database pages is ordered by each State's place in that sort (`name_order`).
"""

import functools
from collections.abc import Iterable
from typing import TypeVar

import icu
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import get_language

from .models import MemberState, name_language

T = TypeVar("T")

# The CLDR locale whose collation each NameLanguage uses.
COLLATION_LOCALES = {"ar": "ar", "en": "en", "es": "es", "fr": "fr", "ru": "ru", "zh": "zh"}


@functools.cache
def _collator(language: str) -> icu.Collator:
    # A collator is read only once made: ICU's sort keys may be asked of it from any thread.
    return icu.Collator.createInstance(icu.Locale(COLLATION_LOCALES[language]))


def name_sort_key(language: str | None = None):
    """A key function for names in `language` (a Django language code; the active one if
    None) that orders them as the language's readers expect."""
    return _collator(name_language(language or get_language())).getSortKey


def by_state_name(items: Iterable[T], *, state=None, language: str | None = None) -> list[T]:
    """`items` ordered by the name of their State in `language` (the active one if None);
    `state` leads from an item to its MemberState (the item itself if None). The sort is
    stable: items of one State keep the order they came in."""
    language = language or get_language()
    key = name_sort_key(language)
    to_state = state or (lambda item: item)
    return sorted(items, key=lambda item: key(to_state(item).name_in(language)))


def sorted_by_name(states: Iterable[MemberState], language: str | None = None) -> list:
    """The States ordered by their names in `language` (the active one if None)."""
    return by_state_name(states, language=language)


def name_order(language: str | None = None, *, path: str = "pk") -> Case:
    """An ORDER BY expression that puts States in the order of their names in `language`
    (the active one if None), for lists the database pages (the admin's, its
    autocompletes); `path` leads from the model listed to the State's pk. One query reads
    the names; the order is the collator's, the same on SQLite and PostgreSQL."""
    states = sorted_by_name(MemberState.objects.all(), language)
    return Case(
        *[When(**{path: state.pk}, then=Value(place)) for place, state in enumerate(states)],
        default=Value(len(states)),
        output_field=IntegerField(),
    )
