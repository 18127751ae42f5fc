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
from django.utils.translation import gettext_lazy as _

from catalogue.bidi import ltr_isolated
from catalogue.models import RecommendationTranslation, ReportTranslation, is_source_language
from delegations.models import RegionalGroup, name_language
from r2p_site.fonts import code_points, unprintable

from ..models import AnswerStatus, Assessment, Attachment

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
            "recommendation_id",
            "recommendation__code",
            "recommendation__text",
            "recommendation__section__paragraphs",
            "recommendation__section__report_id",
            "recommendation__section__report__number",
            "recommendation__section__report__year",
            "recommendation__section__report__symbol",
            "recommendation__section__report__title",
        )
    )
    titles, texts = _translations(language)
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
                **_translated("title", titles.get(row["recommendation__section__report_id"])),
                "answers": [],
            },
        )
        report["answers"].append(
            {
                "code": row["recommendation__code"],
                "text": row["recommendation__text"],
                **_translated("text", texts.get(row["recommendation_id"])),
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
        "language": language,
        "member_state": {
            "name": state.name,
            # The name in each of the six languages, by NameLanguage: a rendering prints
            # its language's. An optional key of format 2: snapshots without it print `name`.
            "names": state.names(),
            "iso3": state.iso3,
            "regional_group": state.regional_group,
        },
        "cycle": {
            "code": assessment.cycle.code,
            "name": assessment.cycle.name,
            # Its official translations by language, frozen like the State's names: a
            # rendering prints its language's. Optional: snapshots without it print `name`.
            "names": {t.language: t.name for t in assessment.cycle.translations.all()},
            "deadline": assessment.cycle.deadline.isoformat(),
        },
        "submission": {
            "number": number,
            "submitted_at": submitted_at.isoformat(),
            "submitted_by": str(submitted_by),
            # The State's own: the extension in force, where it has one. An optional key
            # of format 2: snapshots without it print the cycle's.
            "deadline": assessment.submission_deadline.isoformat(),
        },
        "reports": list(reports.values()),
    }


def _translations(language: str) -> tuple[dict[int, str], dict[int, str]]:
    """The official report titles and recommendation texts in `language`, by id."""
    if is_source_language(language):
        return {}, {}
    return (
        dict(ReportTranslation.objects.filter(language=language).values_list("report_id", "title")),
        dict(
            RecommendationTranslation.objects.filter(language=language).values_list(
                "recommendation_id", "text"
            )
        ),
    )


def _translated(field: str, text: str | None) -> dict:
    # Only where a translation exists: snapshots without one read as they always did.
    return {f"{field}_translated": text} if text else {}


def readable(snapshot: dict) -> dict:
    """The snapshot with its labels, in the active language, for pages and documents.

    The State's name is its name in the active language where the snapshot froze it.
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
            "name": state.get("names", {}).get(name_language(language)) or state["name"],
            "regional_group": str(RegionalGroup(state["regional_group"]).label),
        },
        "cycle": {
            **snapshot["cycle"],
            "name": snapshot["cycle"].get("names", {}).get(language) or snapshot["cycle"]["name"],
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
    # One look at everything first: a report whose texts are all printable (the rule,
    # since the forms refuse the rest) needs no text looked at, nor worded, on its own.
    if not unprintable("\n".join(text for text, _where, _params in _texts(snapshot))):
        return problems

    def check(text: str, where, **params) -> None:
        characters = unprintable(text)
        if characters:
            # Worded only when needed: a snapshot holds hundreds of texts.
            problems.append(
                _("%(where)s contains characters the report cannot print: %(characters)s.")
                % {
                    # A code reads left to right in any sentence; a name as it is written.
                    "where": str(where)
                    % {key: ltr_isolated(v) if key == "code" else v for key, v in params.items()},
                    "characters": code_points(characters),
                }
            )

    for text, where, params in _texts(snapshot):
        check(text, where, **params)
    return problems


# Where a text of a report is, for the message naming a character it cannot print.
WHERE_STATE = _("The name of the Member State")
WHERE_CYCLE = _("The name of the cycle")
WHERE_SUBMITTER = _("The name of the person submitting")
WHERE_TITLE = _("The title of report %(year)s")
WHERE_TEXT = _("The text of %(code)s")
WHERE_EVIDENCE = _("The evidence for %(code)s")
WHERE_LINKS = _("The list of evidence links for %(code)s")
WHERE_EDITOR = _("The person who last changed %(code)s")
WHERE_FILE = _("The name of the file “%(name)s” attached to %(code)s")


def _texts(snapshot: dict):
    """Every text a snapshot's report prints: (text, where it is, the names of `where`)."""
    yield snapshot["member_state"]["name"], WHERE_STATE, {}
    for name in snapshot["member_state"].get("names", {}).values():
        yield name, WHERE_STATE, {}
    yield snapshot["cycle"]["name"], WHERE_CYCLE, {}
    for name in snapshot["cycle"].get("names", {}).values():
        yield name, WHERE_CYCLE, {}
    yield snapshot["submission"]["submitted_by"], WHERE_SUBMITTER, {}
    for report in snapshot["reports"]:
        for title in (report["title"], report.get("title_translated", "")):
            yield title, WHERE_TITLE, {"year": report["year"]}
        for answer in report["answers"]:
            code = {"code": answer["code"]}
            yield answer["text"], WHERE_TEXT, code
            yield answer.get("text_translated", ""), WHERE_TEXT, code
            yield answer["evidence"], WHERE_EVIDENCE, code
            yield "\n".join(answer["links"]), WHERE_LINKS, code
            yield answer["updated_by"] or "", WHERE_EDITOR, code
            for file in answer["attachments"]:
                yield file["name"], WHERE_FILE, {"name": file["name"], **code}
