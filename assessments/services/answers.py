"""Writes to a State's answers and their files: start an assessment, save an answer
(autosave, a theme's, a workbook's), add and remove evidence files. Each write takes the
assessment's lock first (`services.lifecycle.lock_for_editing`), so none lands after a
submission's snapshot."""

from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from catalogue.bidi import code_list
from catalogue.models import Theme

from .. import limits
from ..access import delegation_refusal
from ..models import Answer, AnswerChange, Assessment, Attachment
from ..storing import storing
from .lifecycle import lock_for_editing


class AnswerConflict(Exception):
    """A save was based on an older version than the one stored."""

    def __init__(self, current: Answer):
        super().__init__(_("This answer was changed by someone else in the meantime."))
        self.current = current


@dataclass(frozen=True)
class AnswerContent:
    status: str
    evidence: str
    links: list[str]

    def as_dict(self) -> dict:
        return {"status": self.status, "evidence": self.evidence, "links": list(self.links)}


def _begin_edit(
    assessment: Assessment, user: AbstractBaseUser, growth: limits.Growth | None = None
) -> None:
    """Every change of an answer's content or files starts here, whoever calls: only the
    State's own delegation writes, and only while the assessment's row lock says it may
    (the writes that need no lock are listed in `services.lifecycle`)."""
    refusal = delegation_refusal(user, assessment)
    if refusal:
        raise PermissionDenied(refusal)
    lock_for_editing(assessment, growth)


def answer_save(
    *,
    answer: Answer,
    content: AnswerContent,
    base_version: int,
    user: AbstractBaseUser,
    kind: str = AnswerChange.Kind.EDITED,
    note: str = "",
) -> Answer:
    """Save an answer if nobody saved it since `base_version`; record the change.

    `kind` and `note` say where the change came from when not from the web form (a
    workbook, a theme); the rules are the same whatever the source.

    `answer` is the answer as the caller read it (read again only if its version is
    not `base_version`). The compare-and-set UPDATE on the version decides between two
    concurrent saves, on SQLite and PostgreSQL alike: if it matches, the stored answer
    was still `answer`, the "before" of the history. Raises ValidationError when the
    answer or its assessment would exceed its limits.
    """
    if answer.version != base_version:
        # Read outside a transaction: a save refused as stale writes nothing, and
        # colleagues typing in the same answers make many (a BEGIN and a ROLLBACK were
        # two round trips of each).
        stored = Answer.objects.select_related("updated_by").get(pk=answer.pk)
        if stored.version != base_version:
            raise AnswerConflict(current=stored)
        stored.assessment = answer.assessment
        answer = stored
    if answer.content() == content.as_dict():
        return answer
    return _answer_write(
        answer=answer, content=content, base_version=base_version, user=user, kind=kind, note=note
    )


@transaction.atomic
def _answer_write(
    *,
    answer: Answer,
    content: AnswerContent,
    base_version: int,
    user: AbstractBaseUser,
    kind: str,
    note: str,
) -> Answer:
    limits.check_answer(evidence=content.evidence, links=content.links)
    _begin_edit(
        answer.assessment,
        user,
        growth=limits.Growth.of(before=answer.content(), after=content.as_dict()),
    )
    now = timezone.now()
    updated = Answer.objects.filter(pk=answer.pk, version=base_version).update(
        status=content.status,
        evidence=content.evidence,
        links=content.links,
        version=F("version") + 1,
        updated_at=now,
        updated_by=user,
    )
    if not updated:
        raise AnswerConflict(current=Answer.objects.select_related("updated_by").get(pk=answer.pk))
    AnswerChange.objects.create(
        answer=answer,
        kind=kind,
        version=base_version + 1,
        changed_at=now,
        changed_by=user,
        before=answer.content(),
        after=content.as_dict(),
        note=note[:200],
    )
    saved = Answer(
        pk=answer.pk,
        assessment=answer.assessment,
        recommendation_id=answer.recommendation_id,
        **content.as_dict(),
        version=base_version + 1,
        updated_at=now,
        updated_by=user,
    )
    # The card an autosave sends back after a conflict shows the recommendation: passed
    # on when the caller read it, rather than read again.
    if Answer.recommendation.is_cached(answer):
        saved.recommendation = answer.recommendation
    return saved


class ThemeConflict(Exception):
    """Answers a theme was to be applied to changed since the form was shown."""

    def __init__(self, answers: list[Answer]):
        codes = code_list(answer.recommendation.code for answer in answers)
        super().__init__(
            _(
                "Nothing was applied: these answers were changed by someone else since you "
                "opened the page: %(codes)s. Check them, then apply the theme again."
            )
            % {"codes": codes}
        )
        self.answers = answers


@transaction.atomic
def theme_answer(
    *,
    assessment: Assessment,
    theme: Theme,
    content: AnswerContent,
    versions: dict[int, int],
    user: AbstractBaseUser,
) -> list[Answer]:
    """Give the answers `versions` names (answer pk -> the version the person saw) the
    theme's status and evidence, each as an ordinary save with its own history.

    All or nothing: if any of them was saved by someone else since (its version is not
    the one seen), none is changed and ThemeConflict names them. Answers outside the
    theme or the assessment are refused. The caller decides which answers are offered
    (those unanswered, or also those answered once the person confirmed it).
    """
    answers = list(
        Answer.objects.filter(
            assessment=assessment,
            pk__in=versions,
            recommendation__theme_links__theme=theme,
        )
        .select_related("recommendation", "updated_by")
        .distinct()
        .in_catalogue_order()
    )
    if len(answers) != len(versions):
        raise ValidationError(_("Some of these answers are not in this theme: reload the page."))
    changed = [answer for answer in answers if answer.version != versions[answer.pk]]
    if changed:
        raise ThemeConflict(changed)
    saved = []
    for answer in answers:
        answer.assessment = assessment
        try:
            saved.append(
                answer_save(
                    answer=answer,
                    content=content,
                    base_version=versions[answer.pk],
                    user=user,
                    kind=AnswerChange.Kind.THEME,
                    note=theme.name,
                )
            )
        except AnswerConflict:
            # Saved by a colleague between the check above and this save.
            raise ThemeConflict([answer]) from None
    return saved


def _record_attachment_change(
    *, answer: Answer, kind: str, user: AbstractBaseUser, attachment: Attachment
) -> None:
    # Only the file that came or went: a list of every file per change would grow the
    # history quadratically. Files do not change the answer's version, so an upload
    # does not make a colleague's open form look stale.
    described = [attachment.describe()]
    added = kind == AnswerChange.Kind.ATTACHMENT_ADDED
    AnswerChange.objects.create(
        answer=answer,
        kind=kind,
        version=answer.version,
        changed_by=user,
        before={"attachments": [] if added else described},
        after={"attachments": described if added else []},
    )


def _check_file_quotas(answer: Answer, size: int) -> None:
    answer_files = list(answer.attachments.only("size"))
    totals = Attachment.objects.filter(answer__assessment_id=answer.assessment_id).aggregate(
        count=Count("pk"), size=Sum("size")
    )
    limits.check_files(
        answer_files=answer_files,
        assessment_count=totals["count"],
        assessment_bytes=totals["size"] or 0,
        size=size,
    )


def attachment_add(
    *, answer: Answer, upload, checked_type, sha256: str, user: AbstractBaseUser
) -> Attachment:
    """Store a checked evidence file on an answer and record it in the answer's history.

    Raises ValidationError when the answer or the assessment has no room for it, and
    StorageFailed when the file store cannot keep it; either way nothing is stored.
    """
    # The file is deleted again if the row or its history is not saved or committed.
    with storing() as files, transaction.atomic():
        _begin_edit(answer.assessment, user)
        _check_file_quotas(answer, upload.size)
        attachment = Attachment(
            answer=answer,
            original_name=upload.name[:200],
            extension=checked_type.extension,
            content_type=checked_type.content_type,
            size=upload.size,
            sha256=sha256,
            uploaded_by=user,
        )
        files.store(attachment.file, upload.name, upload)
        attachment.save()
        _record_attachment_change(
            answer=answer,
            kind=AnswerChange.Kind.ATTACHMENT_ADDED,
            user=user,
            attachment=attachment,
        )
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: Attachment, user: AbstractBaseUser) -> None:
    answer = attachment.answer
    _begin_edit(answer.assessment, user)
    _record_attachment_change(
        answer=answer,
        kind=AnswerChange.Kind.ATTACHMENT_REMOVED,
        user=user,
        attachment=attachment,
    )
    file = attachment.file
    attachment.delete()
    # The file goes only once the deletion is committed, so a rollback keeps both.
    transaction.on_commit(lambda: file.storage.delete(file.name))
