"""How much one answer and one assessment may hold.

Every limit is meant never to be met by a delegation (an assessment may hold about
seventy pages of evidence), and together they bound the work of rendering, exporting
and e-mailing the worst assessment the forms accept: its country report renders in
under ten seconds and 500 MB (docs/limits.md gives the measurements). The PDF's cost
grows with its lines, so lines are counted as well as characters.
"""

from django.core.exceptions import ValidationError
from django.db.models import Count, Sum, Value
from django.db.models.functions import Length, Replace
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# One answer.
EVIDENCE_MAX_CHARS = 10_000
EVIDENCE_MAX_LINES = 100
LINKS_MAX = 10
LINK_MAX_CHARS = 500
FILES_MAX = 10
FILES_MAX_BYTES = 50 * 1024 * 1024

# One assessment, all answers together.
ASSESSMENT_EVIDENCE_MAX_CHARS = 200_000
ASSESSMENT_EVIDENCE_MAX_LINES = 3_000
ASSESSMENT_LINKS_MAX = 200
ASSESSMENT_FILES_MAX = 200
ASSESSMENT_FILES_MAX_BYTES = 500 * 1024 * 1024


def line_count(text: str) -> int:
    return text.count("\n") + 1 if text else 0


def check_answer(*, evidence: str, links: list[str]) -> None:
    """Refuse an answer over the limits of one answer, naming the field."""
    if len(evidence) > EVIDENCE_MAX_CHARS:
        raise ValidationError(
            {
                "evidence": _("Evidence may be at most %(max)s characters long.")
                % {"max": EVIDENCE_MAX_CHARS}
            }
        )
    if line_count(evidence) > EVIDENCE_MAX_LINES:
        raise ValidationError(
            {
                "evidence": _("Evidence may have at most %(max)s lines.")
                % {"max": EVIDENCE_MAX_LINES}
            }
        )
    if len(links) > LINKS_MAX:
        raise ValidationError({"links": _("Give at most %(max)s links.") % {"max": LINKS_MAX}})
    if any(len(link) > LINK_MAX_CHARS for link in links):
        raise ValidationError(
            {"links": _("A link may be at most %(max)s characters long.") % {"max": LINK_MAX_CHARS}}
        )


def _newlines(field: str):
    return Length(field) - Length(Replace(field, Value("\n"), Value("")))


def check_assessment_text(*, answer, evidence: str, links: list[str]) -> None:
    """Refuse an answer that would take its assessment over the limits of all answers.

    Only growth is checked (an answer that shrinks is always welcome), and the caller
    holds the assessment's lock, so two colleagues cannot both take the last room.
    """
    grows_text = len(evidence) > len(answer.evidence) or line_count(evidence) > line_count(
        answer.evidence
    )
    grows_links = len(links) > len(answer.links)
    if not (grows_text or grows_links):
        return
    others = type(answer).objects.filter(assessment_id=answer.assessment_id).exclude(pk=answer.pk)
    if grows_text:
        totals = others.exclude(evidence="").aggregate(
            chars=Sum(Length("evidence")), newlines=Sum(_newlines("evidence")), answers=Count("pk")
        )
        chars = (totals["chars"] or 0) + len(evidence)
        lines = (totals["newlines"] or 0) + (totals["answers"] or 0) + line_count(evidence)
        if chars > ASSESSMENT_EVIDENCE_MAX_CHARS:
            raise ValidationError(
                {
                    "evidence": _(
                        "The evidence of all answers together may be at most %(max)s "
                        "characters; this answer would take the assessment to %(total)s."
                    )
                    % {"max": ASSESSMENT_EVIDENCE_MAX_CHARS, "total": chars}
                }
            )
        if lines > ASSESSMENT_EVIDENCE_MAX_LINES:
            raise ValidationError(
                {
                    "evidence": _(
                        "The evidence of all answers together may have at most %(max)s lines; "
                        "this answer would take the assessment to %(total)s."
                    )
                    % {"max": ASSESSMENT_EVIDENCE_MAX_LINES, "total": lines}
                }
            )
    if grows_links:
        total = len(links) + sum(len(row) for row in others.values_list("links", flat=True))
        if total > ASSESSMENT_LINKS_MAX:
            raise ValidationError(
                {
                    "links": _(
                        "An assessment may have at most %(max)s links in all; this answer "
                        "would take it to %(total)s."
                    )
                    % {"max": ASSESSMENT_LINKS_MAX, "total": total}
                }
            )


def check_files(*, answer_files: list, assessment_count: int, assessment_bytes: int, size: int):
    """Refuse one more file of `size` bytes beyond the quotas of its answer or assessment."""
    if len(answer_files) + 1 > FILES_MAX:
        raise ValidationError(
            ngettext(
                "An answer may have at most %(max)s file.",
                "An answer may have at most %(max)s files.",
                FILES_MAX,
            )
            % {"max": FILES_MAX}
        )
    if sum(item.size for item in answer_files) + size > FILES_MAX_BYTES:
        raise ValidationError(
            _("The files of one answer may take at most %(max)s in all.")
            % {"max": filesizeformat(FILES_MAX_BYTES)}
        )
    if assessment_count + 1 > ASSESSMENT_FILES_MAX:
        raise ValidationError(
            _("An assessment may have at most %(max)s files in all.")
            % {"max": ASSESSMENT_FILES_MAX}
        )
    if assessment_bytes + size > ASSESSMENT_FILES_MAX_BYTES:
        raise ValidationError(
            _("The files of one assessment may take at most %(max)s in all.")
            % {"max": filesizeformat(ASSESSMENT_FILES_MAX_BYTES)}
        )
