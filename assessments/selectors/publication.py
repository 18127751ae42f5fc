"""What is public: the submissions their States chose to publish, and nothing else.

Every public surface (the pages per State and per cycle, the API, the public synthesis)
reads through `published_submissions`, so that one rule, `policy.published_q`, decides
what is public: accepted, the latest version, published, not withdrawn. What a page shows
of one of them is `public_content`, the same for the focal point's preview and for the
public page.
"""

from collections import defaultdict

from django.db.models import QuerySet

from .. import policy
from ..documents.snapshot import readable
from ..models import Attachment, Cycle, Publication, Submission


def published_submissions(cycle: Cycle | None = None) -> QuerySet[Submission]:
    """The submissions published now, of every cycle or of `cycle`."""
    submissions = Submission.objects.filter(policy.published_q()).select_related(
        "assessment__member_state", "assessment__cycle", "publication"
    )
    if cycle is not None:
        submissions = submissions.filter(assessment__cycle=cycle)
    return submissions


def published_submission(*, cycle_code: str, iso3: str) -> Submission | None:
    """The submission of one State in one cycle that is public now, if there is one."""
    return (
        published_submissions()
        .filter(assessment__cycle__code=cycle_code, assessment__member_state__iso3=iso3.upper())
        .first()
    )


def was_withdrawn(*, cycle_code: str, iso3: str) -> bool:
    """Whether that State's assessment in that cycle was published, then withdrawn: an
    old link's reader is told so (410) rather than that it never existed (404)."""
    return Publication.objects.filter(
        submission__assessment__cycle__code=cycle_code,
        submission__assessment__member_state__iso3=iso3.upper(),
        withdrawn_at__isnull=False,
    ).exists()


def submission_files(submission: Submission) -> dict[int, Attachment]:
    """The stored files of `submission`, by pk: its assessment's attachments that the
    snapshot froze (same recommendation, same SHA-256). Only these may be published."""
    frozen = {
        (answer["code"], file["sha256"])
        for report in submission.snapshot["reports"]
        # Format 1 snapshots called the answers responses.
        for answer in report.get("answers", report.get("responses", []))
        for file in answer.get("attachments", [])
    }
    if not frozen:
        return {}
    candidates = Attachment.objects.filter(
        answer__assessment_id=submission.assessment_id,
        sha256__in={sha256 for _code, sha256 in frozen},
    ).select_related("answer__recommendation")
    return {
        attachment.pk: attachment
        for attachment in candidates.order_by("pk")
        if (attachment.answer.recommendation.code, attachment.sha256) in frozen
    }


def public_content(submission: Submission, *, files: set[int] | None) -> dict:
    """The submission as its public page shows it, in the active language: the readable
    snapshot, each answer's files reduced to the ticked ones (`files`, by attachment pk)
    with their pk as `attachment_id`. `files=None` keeps every file, each with its pk,
    for the focal point to tick in the preview."""
    # A file uploaded twice to one answer is frozen twice: each frozen entry takes its
    # own stored row, in upload order.
    stored = defaultdict(list)
    for pk, attachment in submission_files(submission).items():
        stored[(attachment.answer.recommendation.code, attachment.sha256)].append(pk)
    content = readable(submission.snapshot)
    for report in content["reports"]:
        for answer in report["answers"]:
            shown = []
            for file in answer.get("attachments", []):
                rows = stored.get((answer["code"], file["sha256"]))
                pk = rows.pop(0) if rows else None
                if pk is not None and (files is None or pk in files):
                    shown.append({**file, "attachment_id": pk})
            answer["attachments"] = shown
    return content
