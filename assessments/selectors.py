"""Reads that take more than one QuerySet call: progress figures for overview pages."""

from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery

from catalogue.models import Report

from .models import (
    AnswerChange,
    AnswerStatus,
    Assessment,
    ReviewComment,
    Submission,
)


@dataclass
class Progress:
    total: int = 0
    implemented: int = 0
    partially_implemented: int = 0
    not_started: int = 0

    @property
    def answered(self) -> int:
        return self.implemented + self.partially_implemented + self.not_started

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0


@dataclass
class ReportProgress:
    report: Report
    progress: Progress = field(default_factory=Progress)


def status_counts(path: str = "pk") -> dict:
    """Count expressions by status, over `path` (the answers, seen from where we count)."""
    status = "status" if path == "pk" else f"{path}__status"
    return {
        name: Count(path, filter=Q(**{status: value}))
        for name, value in [
            ("implemented", AnswerStatus.IMPLEMENTED),
            ("partially_implemented", AnswerStatus.PARTIALLY_IMPLEMENTED),
            ("not_started", AnswerStatus.NOT_STARTED),
        ]
    }


def assessment_progress(assessment: Assessment) -> tuple[list[ReportProgress], Progress]:
    """Answered / total and counts by status, per report and overall, in two queries."""
    rows = (
        assessment.answers.values("recommendation__section__report_id")
        .annotate(total=Count("pk"), **status_counts())
        .order_by()
    )
    by_report = {row.pop("recommendation__section__report_id"): Progress(**row) for row in rows}
    reports = Report.objects.filter(pk__in=by_report).order_by("year")
    per_report = [
        ReportProgress(report=report, progress=by_report[report.pk]) for report in reports
    ]
    overall = Progress(
        **{
            name: sum(getattr(item.progress, name) for item in per_report)
            for name in ("total", "implemented", "partially_implemented", "not_started")
        }
    )
    return per_report, overall


def with_progress(assessments):
    """Annotate answered / total, counts by status and the last submission time."""
    answered = ~Q(answers__status=AnswerStatus.NOT_ANSWERED)
    last_submission = Submission.objects.filter(assessment=OuterRef("pk")).order_by("-number")
    return assessments.annotate(
        total=Count("answers"),
        answered=Count("answers", filter=answered),
        **status_counts("answers"),
        submitted_at=Subquery(last_submission.values("submitted_at")[:1]),
    )


def review_context(assessment: Assessment) -> dict:
    """Everything the secretariat's review page shows, in a fixed number of queries.

    `assessment` comes annotated by `with_progress` (the admin's queryset), which gives
    the page its answered and by-status figures.
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
        "status_labels": dict(AnswerStatus.choices),
    }
