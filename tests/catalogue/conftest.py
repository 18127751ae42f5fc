import pytest

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
