"""The frozen content of a submission: everything its country report shows, as plain data."""

from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Prefetch

from .models import Assessment, Attachment, ResponseStatus

SNAPSHOT_FORMAT = 1


def build_snapshot(
    *,
    assessment: Assessment,
    submitted_by: AbstractBaseUser,
    submitted_at: datetime,
    number: int,
) -> dict:
    """Copy the catalogue text and the answers, so that later edits to either change nothing."""
    responses = (
        assessment.responses.select_related(
            "recommendation__section__report", "recommendation__section__target", "updated_by"
        )
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
        .order_by(
            "recommendation__section__report__year",
            "recommendation__section__target__position",
            "recommendation__position",
        )
    )
    reports: dict[int, dict] = {}
    for response in responses:
        recommendation = response.recommendation
        section = recommendation.section
        report = reports.setdefault(
            section.report.year,
            {
                "number": section.report.number,
                "year": section.report.year,
                "symbol": section.report.symbol,
                "title": section.report.title,
                "responses": [],
            },
        )
        report["responses"].append(
            {
                "code": recommendation.code,
                "text": recommendation.text,
                "paragraphs": section.paragraphs,
                "status": response.status,
                "status_label": str(ResponseStatus(response.status).label),
                "evidence": response.evidence,
                "links": list(response.links),
                "attachments": [a.describe() for a in response.attachments.all()],
                "updated_at": response.updated_at.isoformat() if response.updated_at else None,
                "updated_by": str(response.updated_by) if response.updated_by else None,
            }
        )
    state = assessment.member_state
    return {
        "format": SNAPSHOT_FORMAT,
        "member_state": {
            "name": state.name,
            "iso3": state.iso3,
            "regional_group": state.get_regional_group_display(),
        },
        "cycle": {
            "code": assessment.cycle.code,
            "name": assessment.cycle.name,
            "deadline": assessment.cycle.deadline.isoformat(),
        },
        "submission": {
            "number": number,
            "submitted_at": submitted_at.isoformat(),
            "submitted_by": str(submitted_by),
        },
        "reports": list(reports.values()),
    }
