"""Themes: recommendations to Member States that recur across reports, and their loading.

The curated set ships in fixtures/themes.json, one reviewed reason per link. The
secretariat edits themes in the admin afterwards, so a reload only adds the themes
it does not find (by slug), with their links; a theme already there, edited or not,
is left exactly as it is. A theme deleted in the admin comes back on the next load:
to retire one, empty it of links instead (an empty theme is not shown).
"""

import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Prefetch

from .models import Recommendation, Theme, ThemeLink

THEMES_FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "themes.json"


@dataclass(frozen=True)
class ThemeLoadResult:
    created: list[str]
    kept: list[str]


class ThemeFixtureError(Exception):
    """The fixture links a theme to a recommendation missing or not addressed to States."""


@transaction.atomic
def themes_load_missing(*, path: Path = THEMES_FIXTURE) -> ThemeLoadResult:
    """Create the fixture's themes missing from the database, with their links."""
    rows = json.loads(Path(path).read_text(encoding="utf-8"))
    themes = [row["fields"] for row in rows if row["model"] == "catalogue.theme"]
    links = [row["fields"] for row in rows if row["model"] == "catalogue.themelink"]
    existing = set(Theme.objects.values_list("slug", flat=True))
    missing = [fields for fields in themes if fields["slug"] not in existing]
    codes = {fields["recommendation"][0] for fields in links}
    recommendations = dict(
        Recommendation.objects.for_member_states().filter(code__in=codes).values_list("code", "pk")
    )
    created = {}
    for fields in missing:
        created[fields["slug"]] = Theme.objects.create(**fields)
    new_links = []
    for fields in links:
        slug, code = fields["theme"][0], fields["recommendation"][0]
        if slug not in created:
            continue
        if code not in recommendations:
            raise ThemeFixtureError(
                f"Theme {slug}: {code} is not a Member State recommendation of the catalogue."
            )
        new_links.append(
            ThemeLink(
                theme=created[slug],
                recommendation_id=recommendations[code],
                reason=fields["reason"],
            )
        )
    ThemeLink.objects.bulk_create(new_links)
    return ThemeLoadResult(
        created=list(created), kept=[f["slug"] for f in themes if f["slug"] in existing]
    )


def themes_with_recommendations():
    """Every theme that has links, with its recommendations in catalogue order."""
    return (
        Theme.objects.filter(links__isnull=False)
        .with_translations()
        .distinct()
        .prefetch_related(
            Prefetch(
                "links",
                queryset=ThemeLink.objects.select_related(
                    "recommendation__section__report", "recommendation__section__target"
                ),
            )
        )
    )


def recommendation_siblings(recommendation: Recommendation) -> list[tuple[Theme, list]]:
    """The themes of a recommendation, each with its other recommendations (its siblings)."""
    links = list(
        ThemeLink.objects.filter(theme__links__recommendation=recommendation)
        .exclude(recommendation=recommendation)
        .select_related("theme", "recommendation__section__report")
        .with_translations(through="recommendation__")
    )
    themes = list(recommendation.themes.with_translations())
    return [
        (theme, [link.recommendation for link in links if link.theme_id == theme.pk])
        for theme in themes
    ]
