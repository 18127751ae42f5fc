"""The secretariat's review page: every answer with its history, comments, changes since
the previous version, and the filters."""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from .. import policy
from ..counts import StatusCounts
from ..models import (
    Answer,
    AnswerChange,
    AnswerStatus,
    Assessment,
    CommentReply,
    ReviewComment,
)
from .changes import snapshot_changes


@dataclass(frozen=True)
class StatusView:
    """An answer status as the review page shows it: its label, and a class that colours
    it (static/css/admin.css; the colours of counts.STATUS_COLOURS)."""

    code: str
    label: str

    @property
    def css(self) -> str:
        return "status-" + (self.code or "not_answered")


def status_view(code: str | None) -> StatusView | None:
    return None if code is None else StatusView(code, str(AnswerStatus(code).label))


def answered_without_evidence(answer: Answer) -> bool:
    """Answered, with no evidence text, no link and no file: what the delegation's submit
    page lists as "without evidence" and the review page's "No evidence" counts. An answer
    not answered yet is neither; it is counted apart. Reads `attachments.all()`: lists
    prefetch them (`with_files()`)."""
    return answer.is_answered and not answer.has_evidence and not answer.attachments.all()


# The review page's filters: name -> (label, does this answer show).
REVIEW_FILTERS = {
    "changed": (_("Changed"), lambda answer: answer.changed),
    "not_answered": (
        _("Not yet answered"),
        lambda answer: answer.status == AnswerStatus.NOT_ANSWERED,
    ),
    "not_started": (_("Not started"), lambda answer: answer.status == AnswerStatus.NOT_STARTED),
    "no_evidence": (_("No evidence"), answered_without_evidence),
    "commented": (_("Commented"), lambda answer: bool(answer.review_comments.all())),
}


def _comments():
    return ReviewComment.objects.select_related("written_by", "addressed_by").prefetch_related(
        Prefetch("replies", queryset=CommentReply.objects.select_related("written_by"))
    )


def review_context(assessment: Assessment, *, show: str = "") -> dict:
    """Everything the secretariat's review page shows, in a fixed number of queries.

    `assessment` comes annotated by `with_progress` (the admin's queryset), which gives
    the page its progress. From the second submission on, the page starts with what
    changed since the one before (one more query, for the two snapshots). `show` names
    one of REVIEW_FILTERS; anything else shows every answer.
    """
    answers = list(
        assessment.answers.with_catalogue()
        .with_translations(through="recommendation__")
        .with_translations(through="recommendation__section__report__")
        .with_files()
        .select_related("updated_by")
        .prefetch_related(
            Prefetch("changes", queryset=AnswerChange.objects.select_related("changed_by")),
            Prefetch("review_comments", queryset=_comments()),
        )
        .in_catalogue_order()
    )
    # The snapshots are loaded only for the two versions compared: a long history of
    # submissions would otherwise bring every one of them.
    submissions = list(assessment.submissions.select_related("submitted_by").defer("snapshot"))
    changes = []
    if len(submissions) >= 2:
        latest = dict(
            assessment.submissions.filter(
                number__in=[submissions[0].number, submissions[1].number]
            ).values_list("number", "snapshot")
        )
        changes = snapshot_changes(latest[submissions[1].number], latest[submissions[0].number])
    answer_of_code = {answer.recommendation.code: answer for answer in answers}
    changed = {change.code for change in changes}
    for answer in answers:
        answer.changed = answer.recommendation.code in changed
        answer.status_view = status_view(answer.status)

    filters = [
        {
            "name": name,
            "label": label,
            "count": sum(1 for answer in answers if shows(answer)),
            "active": name == show,
        }
        for name, (label, shows) in REVIEW_FILTERS.items()
        if name != "changed" or changes
    ]
    if show in REVIEW_FILTERS:
        shows = REVIEW_FILTERS[show][1]
        answers = [answer for answer in answers if shows(answer)]
    else:
        show = ""
    reports = {}
    for answer in answers:
        report = answer.recommendation.section.report
        reports.setdefault(report, []).append(answer)
    return {
        "assessment": assessment,
        "rules": policy.AssessmentRules.of(assessment),
        "reports": list(reports.items()),
        "changes": [
            {
                "change": change,
                "answer": answer_of_code.get(change.code),
                "before": status_view(change.status_before),
                "after": status_view(change.status_after),
            }
            for change in changes
        ],
        "filters": filters,
        "show": show,
        "submissions": submissions,
        "status_changes": list(assessment.status_changes.select_related("changed_by", "comment")),
        "comments": list(_comments().filter(assessment=assessment, answer=None)),
        "progress": StatusCounts.of_annotated(assessment),
        "status_labels": dict(AnswerStatus.choices),
    }
