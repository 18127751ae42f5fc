"""What the API and the downloads show of the catalogue, the States and the cycles, read
as plain data: a few queries for a whole page (the rows with their joins, then the
translations and the themes of those rows), never one per row, and no model instances.

Every text that exists in the six languages comes as `{language: {"text": ...,
"english_fallback": ...}}`: the official text in that language, or the English original
standing in for a missing one, said so (as the pages mark it: catalogue/original_texts.py).
"""

import functools
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils import translation
from django.utils.translation import gettext
from rest_framework.renderers import JSONRenderer

from assessments.models import Cycle, CycleTranslation
from catalogue.models import (
    Recommendation,
    RecommendationTranslation,
    Report,
    ReportTranslation,
    Section,
    Target,
    Theme,
    ThemeLink,
    ThemeTranslation,
    is_source_language,
)
from delegations.models import MemberState, RegionalGroup, name_field, name_language

from .links import Links

# As DRF's JSONRenderer writes every answer of the API (compact, UTF-8, dates as ISO 8601).
encode = JSONRenderer().render

# The site's languages, as the schema lists them for a parameter: a declaration read
# when modules load, where settings are not (tests/opendata/api/test_schema.py holds it
# to settings.LANGUAGES).
LANGUAGE_CODES = ("ar", "zh-hans", "en", "fr", "ru", "es")


def languages() -> list[str]:
    """The site's language codes, in the UN's order: the keys of every multilingual text."""
    return [code for code, _name in settings.LANGUAGES]


def in_languages(source: str, translations: dict[str, str]) -> dict[str, dict]:
    """`source` (English) and its `translations` by language, as the API gives them."""
    texts = {}
    for language in languages():
        translated = source if is_source_language(language) else translations.get(language)
        if translated:
            texts[language] = {"text": translated, "english_fallback": False}
        else:
            texts[language] = {"text": source, "english_fallback": bool(source)}
    return texts


def interface_texts(label) -> dict[str, dict]:
    """A label of the interface (an addressee, a regional group) in each language, from
    the translation catalogues: marked as English where a catalogue lacks it."""
    with translation.override(settings.LANGUAGE_CODE):
        english = str(label)
    return _interface_texts(english, tuple(languages()))


# The translation catalogues do not change while the process lives.
@functools.lru_cache(maxsize=256)
def _interface_texts(english: str, codes: tuple[str, ...]) -> dict[str, dict]:
    texts = {}
    for language in codes:
        with translation.override(language):
            text = gettext(english)
        texts[language] = {
            "text": text,
            "english_fallback": not is_source_language(language) and text == english,
        }
    return texts


def _translations(model, owner: str, ids: Iterable[int], *fields: str) -> dict:
    """{owner id: {language: text}} of `model`'s translations (one query), for `ids`,
    for each of `fields`: {field: {owner id: {language: text}}}."""
    rows = model.objects.filter(**{f"{owner}_id__in": list(ids)})
    found = {field: defaultdict(dict) for field in fields}
    for row in rows.values(f"{owner}_id", "language", *fields):
        for field in fields:
            found[field][row[f"{owner}_id"]][row["language"]] = row[field]
    return found


# Recommendations

RECOMMENDATION_FIELDS = (
    "pk",
    "code",
    "position",
    "place",
    "text",
    "section__paragraphs",
    "section__report__year",
    "section__report__symbol",
    "section__target__code",
)


def theme_slugs(ids: Iterable[int]) -> dict[int, list[str]]:
    """The themes of each recommendation, in the themes' order (one query)."""
    links = ThemeLink.objects.filter(recommendation_id__in=list(ids)).order_by(
        "theme__position", "theme__name"
    )
    themes = defaultdict(list)
    for recommendation_id, slug in links.values_list("recommendation_id", "theme__slug"):
        themes[recommendation_id].append(slug)
    return themes


def recommendation_rows(recommendations: QuerySet, links: Links) -> dict[int, dict]:
    """The recommendations as the API shows them, by id."""
    values = list(recommendations.values(*RECOMMENDATION_FIELDS))
    ids = [row["pk"] for row in values]
    texts = _translations(RecommendationTranslation, "recommendation", ids, "text")["text"]
    themes = theme_slugs(ids)
    return {
        row["pk"]: {
            "code": row["code"],
            "url": links.recommendation(row["code"]),
            "page": links.recommendation_page(row["code"]),
            "report": {
                "year": row["section__report__year"],
                "symbol": row["section__report__symbol"],
                "url": links.report(row["section__report__year"]),
            },
            "addressee": {
                "code": row["section__target__code"],
                "url": links.addressee(row["section__target__code"]),
            },
            "position": row["position"],
            "paragraphs": row["section__paragraphs"],
            "place": row["place"],
            "texts": in_languages(row["text"], texts.get(row["pk"], {})),
            "themes": [
                {"slug": slug, "url": links.theme(slug)} for slug in themes.get(row["pk"], [])
            ],
        }
        for row in values
    }


class RowIndex:
    """Every row of one of the API's lists, by id, and each as the API's JSON, for one
    catalogue version and one address of the site (the rows' links are absolute): built
    once in this process (the whole catalogue's 432 recommendations in four queries,
    some 15 ms), then each answer, a list whatever its filters and page or one object,
    picks its rows from it and joins their JSON without encoding it again. A version
    replaces the one before.

    `everything()` is the whole list in its order; `build(objects, links)` reads the
    rows of `objects`, by id, in their order."""

    def __init__(
        self,
        everything: Callable[[], QuerySet],
        build: Callable[[QuerySet, Links], dict[int, dict]],
    ):
        self.everything, self.build = everything, build
        self._kept: dict[str, tuple[dict[int, dict], dict[int, bytes]]] = {}
        self._token = None
        self._lock = threading.Lock()

    def rows(self, token: str, links: Links) -> dict[int, dict]:
        return self._index(token, links)[0]

    def _index(self, token: str, links: Links) -> tuple[dict[int, dict], dict[int, bytes]]:
        with self._lock:
            if token != self._token:
                self._kept, self._token = {}, token
            index = self._kept.get(links.origin)
        if index is None:
            index = self._built(self.everything(), links)
            with self._lock:
                if token == self._token:
                    self._kept[links.origin] = index
        return index

    def _built(self, objects: QuerySet, links: Links):
        by_id = self.build(objects, links)
        return by_id, {pk: encode(row) for pk, row in by_id.items()}

    def pick(self, token: str, links: Links, ids: list[int] | None = None) -> list[bytes]:
        """The JSON of the rows of `ids` (all by default), in their order. An id the index
        lacks (an object added since the version was read) is read on its own."""
        encoded = self._index(token, links)[1]
        if ids is None:
            return list(encoded.values())
        missing = [pk for pk in ids if pk not in encoded]
        if missing:
            encoded = {
                **encoded,
                **self._built(self.everything().filter(pk__in=missing), links)[1],
            }
        return [encoded[pk] for pk in ids if pk in encoded]

    def clear(self) -> None:
        with self._lock:
            self._kept, self._token = {}, None


RECOMMENDATIONS = RowIndex(Recommendation.objects.in_catalogue_order, recommendation_rows)


# Reports and their sections


def report_rows(reports: QuerySet, links: Links) -> dict[int, dict]:
    """The reports, by id, their recommendations counted."""
    reports = list(reports.values())
    ids = [report["id"] for report in reports]
    translated = _translations(ReportTranslation, "report", ids, "title", "focus")
    sections = defaultdict(list)
    for section in section_values(Section.objects.filter(report_id__in=ids)):
        sections[section["report__year"]].append(section)
    return {
        report["id"]: {
            "year": report["year"],
            "url": links.report(report["year"]),
            "page": links.report_page(report["year"]),
            "number": report["number"],
            "symbol": report["symbol"],
            "document_url": Report(symbol=report["symbol"]).document_url,
            "titles": in_languages(report["title"], translated["title"].get(report["id"], {})),
            "focus": in_languages(report["focus"], translated["focus"].get(report["id"], {})),
            "recommendation_count": sum(
                s["recommendation_count"] for s in sections[report["year"]]
            ),
            "recommendations": links.recommendations_of(year=report["year"]),
            "sections": [section_row(s, links) for s in sections[report["year"]]],
        }
        for report in reports
    }


def section_values(sections: QuerySet) -> list[dict]:
    return list(
        sections.order_by("report__year", "target__position")
        .annotate(recommendation_count=Count("recommendations"))
        .values("id", "paragraphs", "report__year", "target__code", "recommendation_count")
    )


def section_rows(sections: QuerySet, links: Links) -> dict[int, dict]:
    """The sections, by id, with the codes of their recommendations."""
    values = section_values(sections)
    codes = defaultdict(list)
    for section_id, code in (
        Recommendation.objects.filter(section_id__in=[s["id"] for s in values])
        .order_by("position")
        .values_list("section_id", "code")
    ):
        codes[section_id].append(code)
    return {
        section["id"]: {**section_row(section, links), "recommendations": codes[section["id"]]}
        for section in values
    }


def section_row(section: dict, links: Links) -> dict:
    """A section (a row of `section_values`), without its recommendations' codes (a
    report lists its sections so)."""
    year, target = section["report__year"], section["target__code"]
    code = f"{year}-{target}"
    return {
        "code": code,
        "url": links.section(code),
        "page": links.section_page(year, target),
        "report": {"year": year, "url": links.report(year)},
        "addressee": {"code": target, "url": links.addressee(target)},
        "paragraphs": section["paragraphs"],
        "recommendation_count": section["recommendation_count"],
    }


# Addressees


def addressee_rows(targets: QuerySet, links: Links) -> dict[int, dict]:
    counts = dict(
        targets.model.objects.annotate(count=Count("sections__recommendations")).values_list(
            "code", "count"
        )
    )
    return {
        target["pk"]: {
            "code": target["code"],
            "url": links.addressee(target["code"]),
            "page": links.addressee_page(target["code"]),
            "position": target["position"],
            "names": interface_texts(target["name"]),
            "recommendation_count": counts.get(target["code"], 0),
            "recommendations": links.recommendations_of(addressee=target["code"]),
        }
        for target in targets.values("pk", "code", "name", "position")
    }


def targets() -> QuerySet:
    return Target.objects.order_by("position")


# Themes


def theme_rows(themes: QuerySet, links: Links) -> dict[int, dict]:
    values = list(themes.values("id", "slug", "name", "description", "position"))
    ids = [theme["id"] for theme in values]
    translated = _translations(ThemeTranslation, "theme", ids, "name", "description")
    codes = defaultdict(list)
    for theme_id, code in (
        ThemeLink.objects.filter(theme_id__in=ids)
        .order_by(
            "recommendation__section__report__year",
            "recommendation__section__target__position",
            "recommendation__position",
        )
        .values_list("theme_id", "recommendation__code")
    ):
        codes[theme_id].append(code)
    return {
        theme["id"]: {
            "slug": theme["slug"],
            "url": links.theme(theme["slug"]),
            "page": links.theme_page(theme["slug"]),
            "position": theme["position"],
            "names": in_languages(theme["name"], translated["name"].get(theme["id"], {})),
            "descriptions": in_languages(
                theme["description"], translated["description"].get(theme["id"], {})
            ),
            "recommendation_count": len(codes[theme["id"]]),
            "recommendations": codes[theme["id"]],
        }
        for theme in values
    }


# Member States and cycles


def member_state_rows(states: QuerySet, links: Links) -> dict[int, dict]:
    fields = {language: name_field(name_language(language)) for language in languages()}
    groups = {group.value: interface_texts(group.label) for group in RegionalGroup}
    rows = {}
    for state in states.values("pk", "iso3", "regional_group", *set(fields.values())):
        english = state["name"]
        rows[state["pk"]] = {
            "iso3": state["iso3"],
            "url": links.member_state(state["iso3"]),
            "names": {
                language: {
                    "text": state[field] or english,
                    "english_fallback": not state[field],
                }
                for language, field in fields.items()
            },
            "regional_group": {
                "code": state["regional_group"],
                "names": groups[state["regional_group"]],
            },
        }
    return rows


def member_states() -> QuerySet:
    return MemberState.objects.order_by("name")


def cycle_rows(cycles: QuerySet, links: Links) -> dict[int, dict]:
    values = list(cycles.values("id", "code", "name", "deadline", "is_open"))
    ids = [cycle["id"] for cycle in values]
    names = _translations(CycleTranslation, "cycle", ids, "name")["name"]
    years = defaultdict(list)
    for cycle_id, year in (
        Cycle.reports.through.objects.filter(cycle_id__in=ids)
        .order_by("report__year")
        .values_list("cycle_id", "report__year")
    ):
        years[cycle_id].append(year)
    return {
        cycle["id"]: {
            "code": cycle["code"],
            "url": links.cycle(cycle["code"]),
            "page": links.cycle_page(cycle["code"]),
            "names": in_languages(cycle["name"], names.get(cycle["id"], {})),
            "deadline": cycle["deadline"],
            "is_open": cycle["is_open"],
            "reports": [{"year": year, "url": links.report(year)} for year in years[cycle["id"]]],
        }
        for cycle in values
    }


def cycles() -> QuerySet:
    return Cycle.objects.order_by("-deadline")


REPORTS = RowIndex(lambda: Report.objects.order_by("year"), report_rows)
SECTIONS = RowIndex(Section.objects.all, section_rows)
ADDRESSEES = RowIndex(targets, addressee_rows)
THEMES = RowIndex(lambda: Theme.objects.order_by("position", "name"), theme_rows)
MEMBER_STATES = RowIndex(member_states, member_state_rows)
CYCLES = RowIndex(cycles, cycle_rows)
INDEXES = (RECOMMENDATIONS, REPORTS, SECTIONS, ADDRESSEES, THEMES, MEMBER_STATES, CYCLES)


def clear_indexes() -> None:
    for index in INDEXES:
        index.clear()
