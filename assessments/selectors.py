"""Reads that take more than one QuerySet call: progress figures for overview pages."""

from dataclasses import dataclass

from django.db.models import F, OuterRef, Prefetch, Subquery

from catalogue.models import Report

from .counts import StatusCounts
from .models import (
    AnswerChange,
    AnswerStatus,
    Assessment,
    ReviewComment,
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
    reports = Report.objects.filter(pk__in=by_report).order_by("year")
    per_report = [
        ReportProgress(report=report, progress=StatusCounts.of_row(by_report[report.pk]))
        for report in reports
    ]
    return per_report, StatusCounts.combined(item.progress for item in per_report)


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


def review_context(assessment: Assessment) -> dict:
    """Everything the secretariat's review page shows, in a fixed number of queries.

    `assessment` comes annotated by `with_progress` (the admin's queryset), which gives
    the page its progress.
    """
    answers = (
        assessment.answers.with_catalogue()
        .with_files()
        .select_related("updated_by")
        .prefetch_related(
            Prefetch("changes", queryset=AnswerChange.objects.select_related("changed_by")),
            Prefetch(
                "review_comments", queryset=ReviewComment.objects.select_related("written_by")
            ),
        )
        .in_catalogue_order()
    )
    reports = {}
    for answer in answers:
        report = answer.recommendation.section.report
        reports.setdefault(report, []).append(answer)
    return {
        "assessment": assessment,
        "reports": list(reports.items()),
        "submissions": list(assessment.submissions.select_related("submitted_by")),
        "status_changes": list(assessment.status_changes.select_related("changed_by", "comment")),
        "comments": list(
            assessment.review_comments.filter(answer=None).select_related("written_by")
        ),
        "progress": StatusCounts.of_annotated(assessment),
        "status_labels": dict(AnswerStatus.choices),
    }
