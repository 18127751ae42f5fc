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
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils import translation
from django.utils.translation import gettext

from assessments.models import Cycle, CycleTranslation
from catalogue.models import (
    Recommendation,
    RecommendationTranslation,
    Report,
    ReportTranslation,
    Section,
    Target,
    ThemeLink,
    ThemeTranslation,
    is_source_language,
)
from delegations.models import MemberState, RegionalGroup, name_field, name_language

from .links import Links

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


def _translations(model, owner: str, ids: Iterable[int] | None, *fields: str) -> dict:
    """{owner id: {language: text}} of `model`'s translations (one query), for `ids`
    (all if None), for each of `fields`: {field: {owner id: {language: text}}}."""
    rows = model.objects.all()
    if ids is not None:
        rows = rows.filter(**{f"{owner}_id__in": list(ids)})
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


def recommendation_values(recommendations: QuerySet) -> QuerySet:
    """The query of `recommendation_rows`, for a paginator to count and slice."""
    return recommendations.values(*RECOMMENDATION_FIELDS)


def theme_slugs(ids: Iterable[int] | None) -> dict[int, list[str]]:
    """The themes of each recommendation, in the themes' order (one query)."""
    links = ThemeLink.objects.order_by("theme__position", "theme__name")
    if ids is not None:
        links = links.filter(recommendation_id__in=list(ids))
    themes = defaultdict(list)
    for recommendation_id, slug in links.values_list("recommendation_id", "theme__slug"):
        themes[recommendation_id].append(slug)
    return themes


def recommendation_rows(values: list[dict], links: Links, *, every: bool = False) -> list[dict]:
    """The recommendations of `values` (rows of `recommendation_values`) as the API shows
    them; `every`: the rows are the whole catalogue (its translations read without a list
    of ids)."""
    ids = None if every else [row["pk"] for row in values]
    texts = _translations(RecommendationTranslation, "recommendation", ids, "text")["text"]
    themes = theme_slugs(ids)
    return [
        {
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
    ]


class RecommendationIndex:
    """Every recommendation's row, by id and by code, for one catalogue version and one
    address of the site (the rows' links are absolute): built once in this process (the
    whole catalogue in four queries, some 15 ms), then each page of a list picks its
    rows from it, whatever its filters. A version replaces the one before."""

    def __init__(self):
        self._kept: dict[str, dict[int, dict]] = {}
        self._token = None
        self._lock = threading.Lock()

    def rows(self, token: str, links: Links) -> dict[int, dict]:
        with self._lock:
            if token != self._token:
                self._kept, self._token = {}, token
            by_id = self._kept.get(links.origin)
        if by_id is None:
            values = list(recommendation_values(Recommendation.objects.in_catalogue_order()))
            by_id = {
                row["pk"]: built
                for row, built in zip(
                    values, recommendation_rows(values, links, every=True), strict=True
                )
            }
            with self._lock:
                if token == self._token:
                    self._kept[links.origin] = by_id
        return by_id

    def pick(self, token: str, links: Links, ids: list[int]) -> list[dict]:
        """The rows of `ids`, in their order. An id the index lacks (a recommendation
        added since the version was read) is read on its own."""
        by_id = self.rows(token, links)
        missing = [pk for pk in ids if pk not in by_id]
        if missing:
            values = list(recommendation_values(Recommendation.objects.filter(pk__in=missing)))
            by_id = {
                **by_id,
                **{
                    row["pk"]: built
                    for row, built in zip(values, recommendation_rows(values, links), strict=True)
                },
            }
        return [by_id[pk] for pk in ids if pk in by_id]

    def clear(self) -> None:
        with self._lock:
            self._kept, self._token = {}, None


RECOMMENDATIONS = RecommendationIndex()


# Reports and their sections


def report_rows(reports: list[dict], links: Links) -> list[dict]:
    """`reports`: rows of Report.objects.values(), their recommendations counted."""
    ids = [report["id"] for report in reports]
    translated = _translations(ReportTranslation, "report", ids, "title", "focus")
    sections = defaultdict(list)
    for section in section_values(Section.objects.filter(report_id__in=ids)):
        sections[section["report__year"]].append(section)
    return [
        {
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
            "sections": section_rows(sections[report["year"]], links, codes=False),
        }
        for report in reports
    ]


def section_values(sections: QuerySet) -> list[dict]:
    return list(
        sections.order_by("report__year", "target__position")
        .annotate(recommendation_count=Count("recommendations"))
        .values("id", "paragraphs", "report__year", "target__code", "recommendation_count")
    )


def section_rows(sections: list[dict], links: Links, *, codes: bool = True) -> list[dict]:
    """`codes`: with the codes of their recommendations (one more query)."""
    recommendations = defaultdict(list)
    if codes:
        for section_id, code in (
            Recommendation.objects.filter(section_id__in=[s["id"] for s in sections])
            .order_by("position")
            .values_list("section_id", "code")
        ):
            recommendations[section_id].append(code)
    rows = []
    for section in sections:
        year, target = section["report__year"], section["target__code"]
        code = f"{year}-{target}"
        row = {
            "code": code,
            "url": links.section(code),
            "page": links.section_page(year, target),
            "report": {"year": year, "url": links.report(year)},
            "addressee": {"code": target, "url": links.addressee(target)},
            "paragraphs": section["paragraphs"],
            "recommendation_count": section["recommendation_count"],
        }
        if codes:
            row["recommendations"] = recommendations[section["id"]]
        rows.append(row)
    return rows


# Addressees


def addressee_rows(targets: QuerySet, links: Links) -> list[dict]:
    counts = dict(
        targets.model.objects.annotate(count=Count("sections__recommendations")).values_list(
            "code", "count"
        )
    )
    return [
        {
            "code": target["code"],
            "url": links.addressee(target["code"]),
            "page": links.addressee_page(target["code"]),
            "position": target["position"],
            "names": interface_texts(target["name"]),
            "recommendation_count": counts.get(target["code"], 0),
            "recommendations": links.recommendations_of(addressee=target["code"]),
        }
        for target in targets.values("code", "name", "position")
    ]


def targets() -> QuerySet:
    return Target.objects.order_by("position")


# Themes


def theme_rows(themes: QuerySet, links: Links) -> list[dict]:
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
    return [
        {
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
    ]


# Member States and cycles


def member_state_rows(states: QuerySet, links: Links) -> list[dict]:
    fields = {language: name_field(name_language(language)) for language in languages()}
    groups = {group.value: interface_texts(group.label) for group in RegionalGroup}
    rows = []
    for state in states.values("iso3", "regional_group", *set(fields.values())):
        english = state["name"]
        rows.append(
            {
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
        )
    return rows


def member_states() -> QuerySet:
    return MemberState.objects.order_by("name")


def cycle_rows(cycles: QuerySet, links: Links) -> list[dict]:
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
    return [
        {
            "code": cycle["code"],
            "url": links.cycle(cycle["code"]),
            "page": links.cycle_page(cycle["code"]),
            "names": in_languages(cycle["name"], names.get(cycle["id"], {})),
            "deadline": cycle["deadline"],
            "is_open": cycle["is_open"],
            "reports": [{"year": year, "url": links.report(year)} for year in years[cycle["id"]]],
        }
        for cycle in values
    ]


def cycles() -> QuerySet:
    return Cycle.objects.order_by("-deadline")
