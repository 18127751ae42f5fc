"""Applying an uploaded workbook's changes, all or none, as the web form saves them."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from ..models import AnswerChange, Assessment
from .answers import AnswerConflict, AnswerContent, answer_save
from .lifecycle import lock_for_editing


class WorkbookStale(Exception):
    """An answer changed since the preview was shown: nothing was saved."""


@transaction.atomic
def workbook_apply(
    *,
    assessment: Assessment,
    plan: dict,
    seen_versions: dict[str, int],
    take_workbook: set[str],
    user: AbstractBaseUser,
) -> int:
    """Save the planned changes, all or none, as the web form saves them (history kind
    WORKBOOK, the file's name as note); the number of answers saved.

    `seen_versions` are the versions the preview showed, per code: if any answer has
    moved on since, WorkbookStale and nothing is saved. A conflict is saved only if its
    code is in `take_workbook`.
    """
    # The assessment's row lock first, so that no save of a colleague slips in between
    # the versions read here and the saves below.
    lock_for_editing(assessment)
    current = {
        answer.pk: answer
        for answer in assessment.answers.select_related("recommendation").filter(
            pk__in=[row["answer"] for row in plan["rows"]]
        )
    }
    saved = 0
    for row in plan["rows"]:
        answer = current.get(row["answer"])
        if answer is None or answer.content() == row["content"]:
            continue
        if seen_versions.get(row["code"]) != answer.version:
            raise WorkbookStale
        if answer.version > row["file_version"] and row["code"] not in take_workbook:
            continue
        answer.assessment = assessment
        try:
            answer_save(
                answer=answer,
                content=AnswerContent(**row["content"]),
                base_version=answer.version,
                user=user,
                kind=AnswerChange.Kind.WORKBOOK,
                note=plan["filename"],
            )
        except AnswerConflict:
            raise WorkbookStale from None
        saved += 1
    return saved
