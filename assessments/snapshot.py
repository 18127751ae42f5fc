"""The frozen content of a submission: everything its country report shows, as plain data.

A snapshot freezes data, not presentation: status and regional group as codes, and the
language the submission was made in; labels are put in at rendering time, in the
language asked for (`readable`). Format 1 snapshots, made before, carried English
labels and keep them, so that they render as they always did.
"""

from collections import defaultdict
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.translation import get_language

from .models import AnswerStatus, Assessment, Attachment, RegionalGroup

SNAPSHOT_FORMAT = 2


def build_snapshot(
    *,
    assessment: Assessment,
    submitted_by: AbstractBaseUser,
    submitted_at: datetime,
    number: int,
) -> dict:
    """Copy the catalogue text and the answers, so that later edits to either change nothing."""
    # Plain rows, not model instances: a submit copies every answer with its catalogue
    # text, and building five objects per answer was most of its time.
    answers = list(
        assessment.answers.in_catalogue_order().values(
            "pk",
            "status",
            "evidence",
            "links",
            "updated_at",
            "updated_by",
            "recommendation__code",
            "recommendation__text",
            "recommendation__section__paragraphs",
            "recommendation__section__report__number",
            "recommendation__section__report__year",
            "recommendation__section__report__symbol",
            "recommendation__section__report__title",
        )
    )
    # One query for every file, grouped here: a prefetch costs a queryset per answer.
    files = defaultdict(list)
    for attachment in Attachment.objects.filter(answer__assessment=assessment).order_by("pk"):
        files[attachment.answer_id].append(attachment.describe())
    editors = {
        user.pk: str(user)
        for user in get_user_model().objects.filter(
            pk__in={row["updated_by"] for row in answers if row["updated_by"]}
        )
    }
    reports: dict[int, dict] = {}
    for row in answers:
        report = reports.setdefault(
            row["recommendation__section__report__year"],
            {
                "number": row["recommendation__section__report__number"],
                "year": row["recommendation__section__report__year"],
                "symbol": row["recommendation__section__report__symbol"],
                "title": row["recommendation__section__report__title"],
                "answers": [],
            },
        )
        report["answers"].append(
            {
                "code": row["recommendation__code"],
                "text": row["recommendation__text"],
                "paragraphs": row["recommendation__section__paragraphs"],
                "status": row["status"],
                "evidence": row["evidence"],
                "links": list(row["links"]),
                "attachments": files[row["pk"]],
                "updated_at": row["updated_at"].isoformat() if row["updated_at"] else None,
                "updated_by": editors.get(row["updated_by"]),
            }
        )
    state = assessment.member_state
    return {
        "format": SNAPSHOT_FORMAT,
        "language": get_language(),
        "member_state": {
            "name": state.name,
            "iso3": state.iso3,
            "regional_group": state.regional_group,
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


def readable(snapshot: dict) -> dict:
    """The snapshot with its labels, in the active language, for pages and documents."""
    if snapshot["format"] == 1:
        # Labels were frozen in English then; the answers were called responses.
        reports = [{**report, "answers": report["responses"]} for report in snapshot["reports"]]
        return {**snapshot, "reports": reports}
    state = snapshot["member_state"]
    return {
        **snapshot,
        "member_state": {
            **state,
            "regional_group": str(RegionalGroup(state["regional_group"]).label),
        },
        "reports": [
            {
                **report,
                "answers": [
                    {**answer, "status_label": str(AnswerStatus(answer["status"]).label)}
                    for answer in report["answers"]
                ],
            }
            for report in snapshot["reports"]
        ],
    }
