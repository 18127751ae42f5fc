"""The frozen content of a submission: everything its country report shows, as plain data.

A snapshot freezes data, not presentation: status and regional group as codes, and the
language the submission was made in; labels are put in at rendering time, in the
language asked for (`readable`). Format 1 snapshots, made before, carried English
labels and keep them, so that they render as they always did.
"""

from collections import defaultdict
from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from catalogue.models import is_source_language, shown_in

from .fonts import code_points, unprintable
from .models import AnswerStatus, Assessment, Attachment, RegionalGroup

SNAPSHOT_FORMAT = 2


def build_snapshot(
    *,
    assessment: Assessment,
    submitted_by: AbstractBaseUser,
    submitted_at: datetime,
    number: int,
) -> dict:
    """Copy the catalogue text and the answers, so that later edits to either change nothing.

    The official translations of the titles and recommendations into the submission's
    language, where the secretariat has entered them, are frozen beside the English
    (`title_translated`, `text_translated`): the PDF prints them from here, never from
    the live catalogue.
    """
    language = get_language()
    answers = (
        assessment.answers.with_catalogue()
        .with_translations(language, through="recommendation__")
        .with_translations(language, through="recommendation__section__report__")
        .select_related("updated_by")
        .in_catalogue_order()
    )
    # One query for every file, grouped here: a prefetch costs a queryset per answer,
    # half the time of a submit.
    files = defaultdict(list)
    for attachment in Attachment.objects.filter(answer__assessment=assessment).order_by("pk"):
        files[attachment.answer_id].append(attachment.describe())
    reports: dict[int, dict] = {}
    for answer in answers:
        recommendation = answer.recommendation
        section = recommendation.section
        report = reports.setdefault(
            section.report.year,
            {
                "number": section.report.number,
                "year": section.report.year,
                "symbol": section.report.symbol,
                "title": section.report.title,
                **_translated("title", _translation(section.report, "title", language)),
                "answers": [],
            },
        )
        report["answers"].append(
            {
                "code": recommendation.code,
                "text": recommendation.text,
                **_translated("text", _translation(recommendation, "text", language)),
                "paragraphs": section.paragraphs,
                "status": answer.status,
                "evidence": answer.evidence,
                "links": list(answer.links),
                "attachments": files[answer.pk],
                "updated_at": answer.updated_at.isoformat() if answer.updated_at else None,
                "updated_by": str(answer.updated_by) if answer.updated_by else None,
            }
        )
    state = assessment.member_state
    return {
        "format": SNAPSHOT_FORMAT,
        "language": language,
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


def _translation(obj, field: str, language: str) -> str | None:
    if is_source_language(language):
        return None
    shown = shown_in(obj, field, language)
    return None if shown.original else shown.text


def _translated(field: str, text: str | None) -> dict:
    # Only where a translation exists: snapshots without one read as they always did.
    return {f"{field}_translated": text} if text else {}


def readable(snapshot: dict) -> dict:
    """The snapshot with its labels, in the active language, for pages and documents.

    Titles and recommendations come as `title_shown` and `text_shown`: the translation
    frozen with the snapshot when the active language is the submission's, else the
    English, with `title_original` / `text_original` set when that is not the language
    asked for.
    """
    if snapshot["format"] == 1:
        # Labels were frozen in English then; the answers were called responses.
        unmarked = {"translated": False, "marked": False}
        return {
            **snapshot,
            "reports": [
                {
                    **report,
                    **_shown(report, "title", **unmarked),
                    "answers": [
                        {**a, **_shown(a, "text", **unmarked)} for a in report["responses"]
                    ],
                }
                for report in snapshot["reports"]
            ],
        }
    language = get_language()
    in_english = is_source_language(language)
    how = {
        # The translations frozen with a snapshot are in the submission's language only.
        "translated": not in_english and language == snapshot["language"],
        # Any English text in another language's page is said to be the original.
        "marked": not in_english,
    }
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
                **_shown(report, "title", **how),
                "answers": [
                    {
                        **answer,
                        **_shown(answer, "text", **how),
                        "status_label": str(AnswerStatus(answer["status"]).label),
                    }
                    for answer in report["answers"]
                ],
            }
            for report in snapshot["reports"]
        ],
    }


def _shown(item: dict, field: str, *, translated: bool, marked: bool) -> dict:
    """`field` of a snapshot item as shown (`<field>_shown`): its frozen translation if
    `translated` and there is one, else the English, flagged `<field>_original` if
    `marked`."""
    text = item.get(f"{field}_translated") if translated else None
    if text:
        return {f"{field}_shown": text, f"{field}_original": False}
    return {f"{field}_shown": item[field], f"{field}_original": marked}


def unprintable_parts(snapshot: dict) -> list[str]:
    """What in a snapshot its country report could not print: one message per text with
    a character no shipped font has (fonts.py), naming where it is and which ones."""
    problems = []

    def check(text: str, where, **params) -> None:
        characters = unprintable(text)
        if characters:
            # Worded only when needed: a snapshot holds hundreds of texts.
            problems.append(
                _("%(where)s contains characters the report cannot print: %(characters)s.")
                % {"where": str(where) % params, "characters": code_points(characters)}
            )

    check(snapshot["member_state"]["name"], _("The name of the Member State"))
    check(snapshot["cycle"]["name"], _("The name of the cycle"))
    check(snapshot["submission"]["submitted_by"], _("The name of the person submitting"))
    for report in snapshot["reports"]:
        for title in (report["title"], report.get("title_translated", "")):
            check(title, _("The title of report %(year)s"), year=report["year"])
        for answer in report["answers"]:
            code = answer["code"]
            check(answer["text"], _("The text of %(code)s"), code=code)
            check(answer.get("text_translated", ""), _("The text of %(code)s"), code=code)
            check(answer["evidence"], _("The evidence for %(code)s"), code=code)
            check(
                "\n".join(answer["links"]), _("The list of evidence links for %(code)s"), code=code
            )
            check(answer["updated_by"] or "", _("The person who last changed %(code)s"), code=code)
            for file in answer["attachments"]:
                check(
                    file["name"],
                    _("The name of the file “%(name)s” attached to %(code)s"),
                    name=file["name"],
                    code=code,
                )
    return problems
