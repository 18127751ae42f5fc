"""Progress figures of an assessment (per report, per theme) and of many (the lists)."""

from dataclasses import dataclass

from django.db.models import F, OuterRef, Subquery

from catalogue.models import Report, Theme

from ..counts import StatusCounts
from ..models import (
    Assessment,
    Submission,
)


@dataclass
class ReportProgress:
    report: Report
    progress: StatusCounts


def assessment_progress(assessment: Assessment) -> tuple[list[ReportProgress], StatusCounts]:
    """Counts by status per report and overall, in two queries."""
    rows = (
        assessment.answers.values("recommendation__section__report_id")
        .annotate(**StatusCounts.expressions())
        .order_by()
    )
    by_report = {row["recommendation__section__report_id"]: row for row in rows}
    reports = Report.objects.filter(pk__in=by_report).with_translations().order_by("year")
    per_report = [
        ReportProgress(report=report, progress=StatusCounts.of_row(by_report[report.pk]))
        for report in reports
    ]
    return per_report, StatusCounts.combined(item.progress for item in per_report)


@dataclass
class ThemeProgress:
    theme: Theme | None  # None: the recommendations in no theme
    progress: StatusCounts


def assessment_progress_by_theme(assessment: Assessment) -> list[ThemeProgress]:
    """Counts by status per theme, in two queries: an answer counts under each of its
    recommendation's themes, and under "Other" (theme None) when it has none."""
    rows = (
        assessment.answers.values("recommendation__theme_links__theme_id")
        .annotate(**StatusCounts.expressions())
        .order_by()
    )
    by_theme = {row["recommendation__theme_links__theme_id"]: row for row in rows}
    themes = Theme.objects.filter(
        pk__in=[pk for pk in by_theme if pk is not None]
    ).with_translations()
    progress = [
        ThemeProgress(theme=theme, progress=StatusCounts.of_row(by_theme[theme.pk]))
        for theme in themes
    ]
    if None in by_theme:
        progress.append(ThemeProgress(theme=None, progress=StatusCounts.of_row(by_theme[None])))
    return progress


def with_progress(assessments):
    """Annotate counts by status (`StatusCounts.of_annotated`), answered and total (which
    the admin filters and sorts on) and the last submission time."""
    last_submission = Submission.objects.filter(assessment=OuterRef("pk")).order_by("-number")
    return (
        assessments.annotate(**StatusCounts.expressions("answers"))
        .annotate(answered=F("implemented") + F("partially_implemented") + F("not_started"))
        .annotate(
            total=F("answered") + F("not_answered"),
            submitted_at=Subquery(last_submission.values("submitted_at")[:1]),
        )
    )
