"""How far each report is translated into each language: read by the import page."""

from dataclasses import dataclass

from django.db.models import Count

from ..models import RecommendationTranslation, Report, ReportTranslation, translation_languages


@dataclass(frozen=True)
class Progress:
    language: str
    translated: int
    total: int
    has_title: bool

    @property
    def complete(self) -> bool:
        return self.has_title and self.translated == self.total


def translation_progress() -> list[tuple[Report, list[Progress]]]:
    """Each report with, per language, its translated recommendations out of its total
    and whether its title is translated: three queries whatever the catalogue's size."""
    reports = list(Report.objects.with_recommendation_counts().order_by("year"))
    counts = {
        (row["recommendation__section__report"], row["language"]): row["count"]
        for row in RecommendationTranslation.objects.values(
            "recommendation__section__report", "language"
        ).annotate(count=Count("pk"))
    }
    titles = set(ReportTranslation.objects.exclude(title="").values_list("report", "language"))
    languages = [code for code, _name in translation_languages()]
    return [
        (
            report,
            [
                Progress(
                    language=code,
                    translated=counts.get((report.pk, code), 0),
                    total=report.recommendation_count,
                    has_title=(report.pk, code) in titles,
                )
                for code in languages
            ],
        )
        for report in reports
    ]
