"""Reads that take more than one QuerySet call: progress figures for overview pages."""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from catalogue.models import Report

from .models import Assessment, ResponseStatus


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


def assessment_progress(assessment: Assessment) -> tuple[list[ReportProgress], Progress]:
    """Answered / total and counts by status, per report and overall, in two queries."""
    rows = (
        assessment.responses.values("recommendation__section__report_id")
        .annotate(
            total=Count("pk"),
            implemented=Count("pk", filter=Q(status=ResponseStatus.IMPLEMENTED)),
            partially_implemented=Count(
                "pk", filter=Q(status=ResponseStatus.PARTIALLY_IMPLEMENTED)
            ),
            not_started=Count("pk", filter=Q(status=ResponseStatus.NOT_STARTED)),
        )
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
