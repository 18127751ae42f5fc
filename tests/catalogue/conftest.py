import functools
import json
from collections import defaultdict
from pathlib import Path

import pytest
from django.conf import settings

from catalogue.models import Recommendation, Report, Section, Target, recommendation_code

TARGETS = [
    ("MS", "Member States"),
    ("RSO", "Regional and Subregional Organizations"),
    ("UN", "United Nations"),
    ("GA", "General Assembly"),
    ("CS", "Civil Society"),
]


@pytest.fixture
def targets(db):
    return {
        code: Target.objects.get_or_create(code=code, defaults={"name": name, "position": i})[0]
        for i, (code, name) in enumerate(TARGETS, start=1)
    }


@pytest.fixture
def make_report(targets):
    """Build a report with `per_target` recommendations for each of the given targets."""

    def make(year, *, per_target=2, codes=("MS", "UN"), title=None):
        report = Report.objects.create(
            number=year - 2008,
            year=year,
            symbol=f"A/{year - 1946}/100-S/{year}/1",
            title=title or f"Report of {year}",
            focus=f"Focus of {year}",
        )
        for code in codes:
            section = Section.objects.create(
                report=report, target=targets[code], paragraphs=f"{year % 100}–{year % 100 + 3}"
            )
            Recommendation.objects.bulk_create(
                Recommendation(
                    section=section,
                    position=position,
                    code=recommendation_code(year=year, target_code=code, position=position),
                    text=f"Recommendation {position} of {year} to {code}.",
                )
                for position in range(1, per_target + 1)
            )
        return report

    return make


@pytest.fixture
def real_catalogue(db):
    """The real catalogue, written in four bulk inserts (loaddata takes a second)."""
    rows = catalogue_rows()
    targets = {fields["code"]: Target(**fields) for fields in rows["catalogue.target"]}
    Target.objects.bulk_create(targets.values())
    reports = {fields["year"]: Report(**fields) for fields in rows["catalogue.report"]}
    Report.objects.bulk_create(reports.values())
    sections = {
        tuple(fields["report"] + fields["target"]): Section(
            report=reports[fields["report"][0]],
            target=targets[fields["target"][0]],
            paragraphs=fields["paragraphs"],
        )
        for fields in rows["catalogue.section"]
    }
    Section.objects.bulk_create(sections.values())
    Recommendation.objects.bulk_create(
        Recommendation(
            section=sections[tuple(fields["section"])],
            position=fields["position"],
            code=fields["code"],
            text=fields["text"],
        )
        for fields in rows["catalogue.recommendation"]
    )


@functools.cache
def catalogue_rows() -> dict[str, list[dict]]:
    rows = defaultdict(list)
    for row in json.loads((Path(settings.BASE_DIR) / "fixtures" / "catalogue.json").read_text()):
        rows[row["model"]].append(row["fields"])
    return rows
