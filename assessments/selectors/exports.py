"""The secretariat's exports of answers: one row per State x recommendation, from the
submitted snapshots (or the live drafts, when asked for), as CSV or XLSX."""

from collections import defaultdict

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from catalogue.models import Recommendation, target_label
from delegations.collation import by_state_name

from .. import policy
from ..documents.snapshot import readable
from ..models import Answer, AnswerStatus, Assessment, Attachment, Submission
from ..spreadsheets import table_csv_response, table_xlsx_response


def export_header() -> list[str]:
    return [
        _("Member State"),
        _("ISO code"),
        _("Regional group"),
        _("Cycle"),
        _("Assessment status"),
        _("Source"),
        _("Report"),
        _("Report symbol"),
        _("Target"),
        _("Recommendation"),
        _("Recommendation text"),
        _("Paragraphs"),
        _("Status"),
        _("Evidence"),
        _("Links"),
        _("Attached files"),
        _("Last saved"),
    ]


def _latest_submissions(assessments) -> dict[int, Submission]:
    latest = {}
    for submission in Submission.objects.filter(assessment__in=assessments).order_by("number"):
        latest[submission.assessment_id] = submission
    return latest


def export_rows(assessments, *, include_drafts: bool = False):
    """The rows of the selected assessments, in State and catalogue order.

    By default only what States submitted: the latest submitted version of each
    assessment, from its frozen snapshot (an assessment never submitted has no rows).
    With `include_drafts`, an assessment being edited (a draft, or returned) gives its
    live answers instead, marked as such in the Source column.
    """
    selected = by_state_name(
        Assessment.objects.filter(pk__in=assessments.values("pk"))
        .select_related("member_state", "cycle")
        .order_by("cycle__deadline"),
        state=lambda assessment: assessment.member_state,
    )
    latest = _latest_submissions(assessments)
    targets = dict(Recommendation.objects.values_list("code", "section__target__name"))
    for assessment in selected:
        if include_drafts and policy.is_being_edited(assessment.status):
            rows, source = _live_rows(assessment), _live_source(assessment)
        elif assessment.pk in latest:
            submission = latest[assessment.pk]
            rows = _snapshot_rows(submission.snapshot)
            source = _("Submitted version %(number)s, %(date)s") % {
                "number": submission.number,
                "date": submission.submitted_at.strftime("%Y-%m-%d"),
            }
        else:
            continue
        for row in rows:
            yield _table_row(assessment, source, row, target_label(targets.get(row["code"], "")))


def export_row(answer: Answer, files: list[str]) -> list:
    """One live answer's row under `export_header()`; the answer comes with its
    assessment's State and cycle and its recommendation's report, section and target."""
    assessment = answer.assessment
    return _table_row(
        assessment,
        _live_source(assessment),
        _live_row(answer, files),
        answer.recommendation.section.target.label,
    )


def _live_source(assessment: Assessment) -> str:
    if policy.is_being_edited(assessment.status):
        return _("Live draft, not submitted")
    # Read-only while submitted and final once accepted: the latest submitted version.
    return _("Submitted answers")


def _table_row(assessment: Assessment, source: str, row: dict, target: str) -> list:
    state = assessment.member_state
    return [
        state.local_name,
        state.iso3,
        state.get_regional_group_display(),
        assessment.cycle.code,
        assessment.get_status_display(),
        source,
        row["year"],
        row["symbol"],
        target,
        row["code"],
        row["text"],
        row["paragraphs"],
        row["status"],
        row["evidence"],
        "\n".join(row["links"]),
        "\n".join(row["files"]),
        row["updated_at"],
    ]


def _live_rows(assessment):
    files = defaultdict(list)
    for answer_id, name in Attachment.objects.filter(answer__assessment=assessment).values_list(
        "answer_id", "original_name"
    ):
        files[answer_id].append(name)
    answers = assessment.answers.with_catalogue().in_catalogue_order()
    for answer in answers.iterator(chunk_size=2000):
        yield _live_row(answer, files[answer.pk])


def _live_row(answer: Answer, files: list[str]) -> dict:
    recommendation = answer.recommendation
    return {
        "year": recommendation.section.report.year,
        "symbol": recommendation.section.report.symbol,
        "code": recommendation.code,
        "text": recommendation.text,
        "paragraphs": recommendation.section.paragraphs,
        "status": str(AnswerStatus(answer.status).label),
        "evidence": answer.evidence,
        "links": answer.links,
        "files": files,
        "updated_at": answer.updated_at.strftime("%Y-%m-%d %H:%M") if answer.updated_at else "",
    }


def _snapshot_rows(snapshot: dict):
    for report in readable(snapshot)["reports"]:
        for answer in report["answers"]:
            updated = answer.get("updated_at")
            yield {
                "year": report["year"],
                "symbol": report.get("symbol", ""),
                "code": answer["code"],
                "text": answer["text"],
                "paragraphs": answer["paragraphs"],
                # Format 1 snapshots hold the English label itself.
                "status": answer.get("status_label") or answer["status"],
                "evidence": answer["evidence"],
                "links": answer["links"],
                "files": [item["name"] for item in answer.get("attachments", [])],
                "updated_at": updated[:16].replace("T", " ") if updated else "",
            }


def export_filename(extension: str, *, include_drafts: bool) -> str:
    kind = "with-drafts" if include_drafts else "submitted"
    return f"r2p-assessments-{kind}-{timezone.now():%Y%m%d-%H%M}.{extension}"


def csv_response(assessments, filename: str, *, include_drafts: bool = False) -> HttpResponse:
    rows = export_rows(assessments, include_drafts=include_drafts)
    return table_csv_response(export_header(), rows, filename)


def xlsx_response(assessments, filename: str, *, include_drafts: bool = False) -> HttpResponse:
    rows = export_rows(assessments, include_drafts=include_drafts)
    return table_xlsx_response(export_header(), rows, filename, about=_about(include_drafts))


def exported_line() -> str:
    """When an export was made, for the sheet that says what it holds."""
    return _("Exported %(date)s UTC.") % {"date": timezone.now().strftime("%Y-%m-%d %H:%M")}


def _about(include_drafts: bool) -> list[str]:
    lines = [exported_line()]
    if include_drafts:
        lines.append(
            _(
                "Live drafts included: assessments being edited (draft or returned) give their "
                "current, unsubmitted answers; the others their latest submitted version. The "
                "Source column says which each row is."
            )
        )
    else:
        lines.append(
            _(
                "Submitted versions only: each assessment's latest submitted version, as it was "
                "frozen when submitted. Assessments never submitted are not included."
            )
        )
    return lines
