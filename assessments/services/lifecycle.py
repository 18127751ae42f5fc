"""The assessment's lifecycle: starting it, the lock that every change of what a
delegation entered takes, the transitions between statuses, and the submit. (The rules
they follow: `policy`; who may act: `access`.)

Two rules keep a submission equal to its snapshot whatever colleagues do meanwhile:

- every change of an answer's content or files (a save from the form, a theme or a
  workbook; a file added or removed: `services.answers`, `services.workbook`) starts with
  `lock_for_editing`, a conditional UPDATE of the assessment's row that succeeds only
  while the assessment is editable and holds the row until the write commits;
- every transition locks that same row, checks the status it leaves, then changes it.

So a save and a submit of one assessment take turns on one row lock: a save that got
there first commits before the submit's snapshot is read (and is in it); a save that
comes second waits, finds the assessment submitted and is refused. On SQLite, whose
transactions take the database's write lock at BEGIN (IMMEDIATE), they take turns
anyway.

Three writes to answers take no lock, and need none: starting an assessment (its blank
answers, and the copy of the previous cycle's, are written in the transaction that
creates it, before anyone else can see it), the blank answers added when the catalogue
of a cycle grows (`assessment_sync_answers`: empty rows, nothing a snapshot holds
changes), and the evidence totals counted again from the answers
(`assessment_count_evidence`, for rows written in bulk outside the services).
"""

import functools

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from catalogue.models import Recommendation, Section, Target
from delegations.models import MemberState

from .. import limits, policy
from ..access import submit_refusal
from ..documents.snapshot import build_snapshot, unprintable_parts
from ..limits import Growth
from ..models import (
    Answer,
    AnswerChange,
    AnswerStatus,
    Assessment,
    AssessmentStatus,
    Cycle,
    ReviewComment,
    StatusChange,
    Submission,
)
from .notifications import prepare_submitted_notice
from .reports import submission_pdf_enqueue


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
    assessment_sync_answers(assessment=assessment)
    if copy_previous:
        previous = previous_assessment(member_state=member_state, cycle=cycle)
        if previous is not None:
            _copy_answers(source=previous, target=assessment, user=started_by)
    return assessment


def assessment_sync_answers(*, assessment: Assessment) -> int:
    """Add blank answers for Member State recommendations added to the cycle's reports since."""
    with connection.cursor() as cursor:
        cursor.execute(
            _unanswered_sql(), [Target.MEMBER_STATES, assessment.cycle_id, assessment.pk]
        )
        missing = [pk for (pk,) in cursor.fetchall()]
    created = Answer.objects.bulk_create(
        [Answer(assessment=assessment, recommendation_id=pk) for pk in missing],
        ignore_conflicts=True,
    )
    return len(created)


@functools.cache
def _unanswered_sql() -> str:
    """The ids of the recommendations to the addressee whose code is the first parameter
    (`for_target`) in the reports of the cycle (the second) that the assessment (the
    third) has no answer to. Written in SQL from the models' tables: every submit asks,
    and Django took 0.4 ms to build this query, eight times the 0.05 ms the database takes
    to run it (tests/assessments/test_answer_sync.py holds it to the ORM's reading)."""
    quote = connection.ops.quote_name

    def table(model) -> str:
        return quote(model._meta.db_table)

    def column(model, name: str) -> str:
        return quote(model._meta.get_field(name).column)

    cycle_reports = Cycle.reports.through
    r, s, t = Recommendation, Section, Target
    # Names from the models, quoted; the values are parameters.
    return (
        f"SELECT r.{column(r, 'id')} FROM {table(r)} r "  # noqa: S608
        f"JOIN {table(s)} s ON s.{column(s, 'id')} = r.{column(r, 'section')} "
        f"JOIN {table(t)} t ON t.{column(t, 'id')} = s.{column(s, 'target')} "
        f"JOIN {table(cycle_reports)} c "
        f"ON c.{column(cycle_reports, 'report')} = s.{column(s, 'report')} "
        f"WHERE t.{column(t, 'code')} = %s AND c.{column(cycle_reports, 'cycle')} = %s "
        f"AND NOT EXISTS (SELECT 1 FROM {table(Answer)} a "
        f"WHERE a.{column(Answer, 'assessment')} = %s "
        f"AND a.{column(Answer, 'recommendation')} = r.{column(r, 'id')})"
    )


def assessment_count_evidence(*, assessment: Assessment) -> None:
    """Set the assessment's evidence totals from its answers.

    Saves keep them up to date; this is for answers written in bulk, outside the
    services (benchmark data, a repair).
    """
    answers = list(assessment.answers.values_list("evidence", "links"))
    Assessment.objects.filter(pk=assessment.pk).update(
        evidence_chars=sum(len(evidence) for evidence, _ in answers),
        evidence_lines=sum(limits.line_count(evidence) for evidence, _ in answers),
        link_count=sum(len(links) for _, links in answers),
    )


def answers_sync_open_cycles() -> int:
    """Give every assessment of an open cycle a blank answer for each Member State
    recommendation its cycle's reports gained (the secretariat adds them in the admin)."""
    return sum(
        assessment_sync_answers(assessment=assessment)
        for assessment in Assessment.objects.filter(cycle__is_open=True).select_related("cycle")
    )


def _copy_answers(*, source: Assessment, target: Assessment, user: AbstractBaseUser) -> None:
    answered = {
        row["recommendation_id"]: row
        for row in source.answers.exclude(status=AnswerStatus.NOT_ANSWERED, evidence="").values(
            "recommendation_id", "status", "evidence", "links"
        )
    }
    now = timezone.now()
    changes = []
    for answer in target.answers.filter(recommendation_id__in=answered):
        row = answered[answer.recommendation_id]
        before = answer.content()
        answer.status, answer.evidence, answer.links = (
            row["status"],
            row["evidence"],
            row["links"],
        )
        answer.version = 1
        answer.updated_at, answer.updated_by = now, user
        changes.append(
            AnswerChange(
                answer=answer,
                kind=AnswerChange.Kind.COPIED,
                version=1,
                changed_at=now,
                changed_by=user,
                before=before,
                after=answer.content(),
            )
        )
        answer.save(
            update_fields=["status", "evidence", "links", "version", "updated_at", "updated_by"]
        )
    AnswerChange.objects.bulk_create(changes)
    assessment_count_evidence(assessment=target)  # written in bulk, not saved


class TransitionRefused(PermissionDenied):
    """The assessment is not in a status this transition may leave, or has moved on."""


def lock_for_editing(assessment: Assessment, growth: Growth | None = None) -> None:
    """Hold the assessment's row until the transaction ends, if it may still be edited.

    Call it first in the transaction of any change of the assessment's answers or files.
    The status test is on the locked row itself, so a save that waited for a submit
    sees the submitted status (PostgreSQL re-reads a row it waited for). A save's
    `growth` of the evidence totals is added in the same UPDATE, which matches only if
    the totals have room for it: ValidationError otherwise.
    """
    growth = growth or Growth()
    locked = Assessment.objects.filter(
        policy.editable_q(),
        pk=assessment.pk,
        **growth.room_needed(),
    ).update(
        last_activity_at=timezone.now(),
        # Never below zero, should totals written by hand ever be short.
        evidence_chars=Greatest(F("evidence_chars") + growth.chars, 0),
        evidence_lines=Greatest(F("evidence_lines") + growth.lines, 0),
        link_count=Greatest(F("link_count") + growth.links, 0),
    )
    if not locked:
        current = Assessment.objects.select_related("cycle").get(pk=assessment.pk)
        reason = policy.edit_refusal(current)
        if reason:
            raise PermissionDenied(reason)
        raise growth.refusal(current)


def assessment_transition(
    *,
    assessment: Assessment,
    to: str,
    user: AbstractBaseUser,
    comment: ReviewComment | None = None,
    seen_submission: int | None = None,
) -> StatusChange:
    """Move the assessment to `to` from one of the statuses it may leave, and record it.

    Call it inside a transaction. The row is locked first, so the status checked is the
    status changed, and no save or submit can slip in between. `seen_submission` is
    the version a reviewer had before them: if a newer one exists, nothing changes.
    """
    current = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("cycle")
        .get(pk=assessment.pk)
    )
    refusal = policy.transition_refusal(current, to)
    if refusal:
        raise TransitionRefused(refusal)
    if seen_submission is not None:
        latest = current.submissions.order_by("-number").values_list("number", flat=True).first()
        if latest != seen_submission:
            raise TransitionRefused(
                _(
                    "Version %(latest)s was submitted after the version %(seen)s you reviewed. "
                    "Review version %(latest)s first; nothing has been changed."
                )
                % {"latest": latest, "seen": seen_submission}
            )
    Assessment.objects.filter(pk=current.pk).update(status=to, last_activity_at=timezone.now())
    assessment.status = to
    return StatusChange.objects.create(
        assessment=assessment,
        from_status=current.status,
        to_status=to,
        changed_by=user,
        comment=comment,
    )


class ReportUnprintable(ValidationError):
    """The country report would hold characters that no shipped font can print."""


@transaction.atomic
def assessment_submit(*, assessment: Assessment, submitted_by: AbstractBaseUser) -> Submission:
    """Freeze the assessment as submitted and keep a snapshot of what was submitted.

    The transition holds the assessment's row from the status change to the commit, and
    every save takes that row first: the snapshot, read after the transition, holds
    every save that was accepted and no save is accepted after it. A double submit (two
    tabs, two colleagues) creates one submission: the second is refused.
    """
    refusal = submit_refusal(submitted_by, assessment)
    if refusal:
        raise PermissionDenied(refusal)
    assessment_transition(assessment=assessment, to=AssessmentStatus.SUBMITTED, user=submitted_by)
    assessment_sync_answers(assessment=assessment)
    number = assessment.submissions.count() + 1
    now = timezone.now()
    snapshot = build_snapshot(
        assessment=assessment, submitted_by=submitted_by, submitted_at=now, number=number
    )
    # The snapshot is what the PDF prints, so it is the snapshot that is checked (live
    # answers read before the transition could still change): a character no shipped
    # font has would be frozen as an empty box. Raising here rolls the transition back.
    problems = unprintable_parts(snapshot)
    if problems:
        raise ReportUnprintable(problems)
    submission = Submission(
        assessment=assessment,
        number=number,
        submitted_at=now,
        submitted_by=submitted_by,
        snapshot=snapshot,
    )
    # Built here, not typed: the unique (assessment, number) constraint is the check.
    submission.save()
    # The document is rendered, and the notice prepared, by a worker once the submission
    # is committed: the request waits for neither, and neither can undo a submission.
    # Should queuing fail, the submission still stands: the retry after PDF_RETRY_AFTER
    # queues the PDF again, and the scheduled jobs prepare the missing notice (robust:
    # logged, not raised into a committed request).
    transaction.on_commit(lambda: submission_received.enqueue(submission.pk), robust=True)
    return submission


@task()
def submission_received(submission_pk: int) -> str:
    """The worker's side of a submit, one task queued by the request (one row written to
    the queue, not two): the country report's rendering queued as a task of its own, with
    its own attempts and retries, then the "received" notice prepared. Either one lost
    is caught up by the scheduled jobs (missing PDFs queued, missing notices prepared)."""
    submission_pdf_enqueue(submission_pk=submission_pk)
    return prepare_submitted_notice.call(submission_pk)
