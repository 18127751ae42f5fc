"""What the public verification page tells about an authentic country report.

Only what anyone holding the file may learn: whether its version is the State's
current submission, was superseded by a later one, was returned or accepted, and when.
Who submitted or reviewed it, and the secretariat's comments, stay private.
"""

from dataclasses import dataclass
from datetime import datetime

from .. import policy
from ..models import Submission


@dataclass(frozen=True)
class Standing:
    state: str  # "current", "superseded", "returned" or "accepted"
    since: datetime
    by_number: int | None = None  # the version that superseded it


def submission_standing(submission: Submission) -> Standing:
    """The standing of one submitted version, in at most two queries."""
    assessment = submission.assessment
    later = (
        assessment.submissions.filter(number__gt=submission.number)
        .order_by("-number")
        .values("number", "submitted_at")
        .first()
    )
    if later:
        return Standing("superseded", later["submitted_at"], later["number"])
    if policy.is_decided(assessment.status):
        changed_at = (
            assessment.status_changes.filter(to_status=assessment.status)
            .order_by("-changed_at", "-pk")
            .values_list("changed_at", flat=True)
            .first()
        )
        if changed_at:
            return Standing(assessment.status, changed_at)
    return Standing("current", submission.submitted_at)
