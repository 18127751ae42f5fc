"""State changes of assessments, as keyword-only functions for views, admin and commands."""

import hashlib
import logging
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from catalogue.models import Recommendation

from .models import (
    Assessment,
    AssessmentStatus,
    Attachment,
    Cycle,
    MemberState,
    Response,
    ResponseChange,
    ResponseStatus,
    StatusChange,
    Submission,
)
from .snapshot import build_snapshot

logger = logging.getLogger(__name__)


class ResponseConflict(Exception):
    """A save was based on an older version than the one stored."""

    def __init__(self, current: Response):
        super().__init__(_("This answer was changed by someone else in the meantime."))
        self.current = current


@dataclass(frozen=True)
class ResponseContent:
    status: str
    evidence: str
    links: list[str]

    def as_dict(self) -> dict:
        return {"status": self.status, "evidence": self.evidence, "links": list(self.links)}


def _ensure_editable(assessment: Assessment) -> None:
    if assessment.status not in Assessment.EDITABLE_STATUSES:
        raise PermissionDenied(
            _(
                "This assessment has been submitted and is read-only "
                "until the secretariat returns it."
            )
        )
    if not assessment.cycle.is_open:
        raise PermissionDenied(_("This reporting cycle is closed."))


def _touch(assessment: Assessment) -> None:
    Assessment.objects.filter(pk=assessment.pk).update(last_activity_at=timezone.now())


def previous_assessment(*, member_state: MemberState, cycle: Cycle) -> Assessment | None:
    return (
        Assessment.objects.filter(member_state=member_state, cycle__deadline__lt=cycle.deadline)
        .order_by("-cycle__deadline")
        .first()
    )


@transaction.atomic
def assessment_start(
    *,
    member_state: MemberState,
    cycle: Cycle,
    started_by: AbstractBaseUser,
    copy_previous: bool = False,
) -> Assessment:
    """Open a State's assessment for a cycle, with a blank answer per Member State recommendation.

    With `copy_previous`, answers to the same recommendations in the State's latest
    earlier cycle are copied (status, evidence and links; files stay with their cycle).
    """
    if not cycle.is_open:
        raise PermissionDenied(_("This reporting cycle is closed."))
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(
                member_state=member_state, cycle=cycle, created_by=started_by
            )
    except IntegrityError:
        # Two colleagues pressed "start" at once: the other one's assessment is the one.
        return Assessment.objects.get(member_state=member_state, cycle=cycle)
    assessment_sync_responses(assessment=assessment)
    if copy_previous:
        previous = previous_assessment(member_state=member_state, cycle=cycle)
        if previous is not None:
            _copy_answers(source=previous, target=assessment, user=started_by)
    return assessment


def assessment_sync_responses(*, assessment: Assessment) -> int:
    """Add blank answers for Member State recommendations added to the cycle's reports since."""
    recommendations = Recommendation.objects.for_member_states().filter(
        section__report__cycles=assessment.cycle
    )
    missing = recommendations.exclude(responses__assessment=assessment).values_list("pk", flat=True)
    created = Response.objects.bulk_create(
        [Response(assessment=assessment, recommendation_id=pk) for pk in missing],
        ignore_conflicts=True,
    )
    return len(created)


def _copy_answers(*, source: Assessment, target: Assessment, user: AbstractBaseUser) -> None:
    answered = {
        row["recommendation_id"]: row
        for row in source.responses.exclude(status=ResponseStatus.NOT_ANSWERED, evidence="").values(
            "recommendation_id", "status", "evidence", "links"
        )
    }
    now = timezone.now()
    changes = []
    for response in target.responses.filter(recommendation_id__in=answered):
        row = answered[response.recommendation_id]
        before = response.content()
        response.status, response.evidence, response.links = (
            row["status"],
            row["evidence"],
            row["links"],
        )
        response.version = 1
        response.updated_at, response.updated_by = now, user
        changes.append(
            ResponseChange(
                response=response,
                kind=ResponseChange.Kind.COPIED,
                version=1,
                changed_at=now,
                changed_by=user,
                before=before,
                after=response.content(),
            )
        )
        response.save(
            update_fields=["status", "evidence", "links", "version", "updated_at", "updated_by"]
        )
    ResponseChange.objects.bulk_create(changes)


@transaction.atomic
def response_save(
    *,
    response: Response,
    content: ResponseContent,
    base_version: int,
    user: AbstractBaseUser,
) -> Response:
    """Save an answer if nobody saved it since `base_version`; record the change.

    The compare-and-set UPDATE is what decides between two concurrent saves, on
    SQLite and PostgreSQL alike: only one of them can match the old version.
    """
    _ensure_editable(response.assessment)
    stored = Response.objects.get(pk=response.pk)
    if stored.version != base_version:
        raise ResponseConflict(current=stored)
    if stored.content() == content.as_dict():
        return stored
    now = timezone.now()
    updated = Response.objects.filter(pk=response.pk, version=base_version).update(
        status=content.status,
        evidence=content.evidence,
        links=content.links,
        version=F("version") + 1,
        updated_at=now,
        updated_by=user,
    )
    if not updated:
        raise ResponseConflict(current=Response.objects.get(pk=response.pk))
    ResponseChange.objects.create(
        response=stored,
        kind=ResponseChange.Kind.EDITED,
        version=base_version + 1,
        changed_at=now,
        changed_by=user,
        before=stored.content(),
        after=content.as_dict(),
    )
    _touch(response.assessment)
    return Response(
        pk=stored.pk,
        assessment=response.assessment,
        recommendation_id=stored.recommendation_id,
        **content.as_dict(),
        version=base_version + 1,
        updated_at=now,
        updated_by=user,
    )


def _record_attachment_change(
    *, response: Response, kind: str, user: AbstractBaseUser, before: list, after: list
) -> None:
    # Files do not change the answer's version: an upload must not make a colleague's
    # open form look stale.
    ResponseChange.objects.create(
        response=response,
        kind=kind,
        version=response.version,
        changed_by=user,
        before={"attachments": before},
        after={"attachments": after},
    )


@transaction.atomic
def attachment_add(
    *, response: Response, upload, checked_type, sha256: str, user: AbstractBaseUser
) -> Attachment:
    """Store a checked evidence file on an answer and record it in the answer's history."""
    _ensure_editable(response.assessment)
    before = [a.describe() for a in response.attachments.all()]
    attachment = Attachment(
        response=response,
        original_name=upload.name[:200],
        extension=checked_type.extension,
        content_type=checked_type.content_type,
        size=upload.size,
        sha256=sha256,
        uploaded_by=user,
    )
    attachment.file.save(upload.name, upload, save=False)
    try:
        attachment.save()
        _record_attachment_change(
            response=response,
            kind=ResponseChange.Kind.ATTACHMENT_ADDED,
            user=user,
            before=before,
            after=[*before, attachment.describe()],
        )
    except Exception:
        # The row is rolled back with the transaction; the file must go too.
        attachment.file.delete(save=False)
        raise
    _touch(response.assessment)
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: Attachment, user: AbstractBaseUser) -> None:
    response = attachment.response
    _ensure_editable(response.assessment)
    files = list(response.attachments.all())
    _record_attachment_change(
        response=response,
        kind=ResponseChange.Kind.ATTACHMENT_REMOVED,
        user=user,
        before=[a.describe() for a in files],
        after=[a.describe() for a in files if a.pk != attachment.pk],
    )
    file = attachment.file
    attachment.delete()
    # The file goes only once the deletion is committed, so a rollback keeps both.
    transaction.on_commit(lambda: file.storage.delete(file.name))
    _touch(response.assessment)


@transaction.atomic
def assessment_submit(*, assessment: Assessment, submitted_by: AbstractBaseUser) -> Submission:
    """Freeze the assessment as submitted and keep a snapshot of what was submitted.

    The conditional UPDATE makes a double submit (two tabs, two colleagues) create
    exactly one submission: the second finds the status already changed.
    """
    _ensure_editable(assessment)
    previous = assessment.status
    updated = Assessment.objects.filter(
        pk=assessment.pk, status__in=Assessment.EDITABLE_STATUSES
    ).update(status=AssessmentStatus.SUBMITTED, last_activity_at=timezone.now())
    if not updated:
        raise PermissionDenied(_("This assessment has already been submitted."))
    StatusChange.objects.create(
        assessment=assessment,
        from_status=previous,
        to_status=AssessmentStatus.SUBMITTED,
        changed_by=submitted_by,
    )
    assessment.refresh_from_db()
    number = assessment.submissions.count() + 1
    now = timezone.now()
    submission = Submission(
        assessment=assessment,
        number=number,
        submitted_at=now,
        submitted_by=submitted_by,
        snapshot=build_snapshot(
            assessment=assessment, submitted_by=submitted_by, submitted_at=now, number=number
        ),
    )
    submission.full_clean()
    submission.save()
    # The document is rendered from the snapshot once the submission is committed, so a
    # failed rendering never undoes a submission (the download renders it then).
    transaction.on_commit(lambda: _store_pdf_after_commit(submission.pk))
    return submission


def submission_store_pdf(submission: Submission) -> Submission:
    """Render a submission's country report from its snapshot and keep it; only once.

    The stored file is what the submission's PDF *is*: later changes of live data,
    templates or the catalogue never reach it.
    """
    if submission.pdf:
        return submission
    from .pdf import render_country_report  # WeasyPrint costs every process 0.3 s to import

    pdf = render_country_report(submission.snapshot)
    with transaction.atomic():
        stored = Submission.objects.select_for_update().get(pk=submission.pk)
        if stored.pdf:  # rendered meanwhile by another request: keep the first
            return stored
        stored.pdf.save(stored.pdf_filename(), ContentFile(pdf), save=False)
        stored.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
        stored.pdf_rendered_at = timezone.now()
        stored.save(update_fields=["pdf", "pdf_sha256", "pdf_rendered_at"])
    return stored


def _store_pdf_after_commit(submission_pk: int) -> None:
    try:
        submission_store_pdf(Submission.objects.get(pk=submission_pk))
    except Exception:
        logger.exception("The PDF of submission %s could not be rendered yet", submission_pk)
