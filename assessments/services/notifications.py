"""The e-mails a cycle needs: prepared once per occasion, recorded, then sent.

A notice is rendered and recorded (`EmailRecord`) in the transaction of the act it
reports, and sent by a worker (the task `send_email`) once that transaction commits,
so that a refused act sends nothing, a request never waits for a mail server, and a
sent notice always has its record. Sending records its outcome: the
secretariat sees every notice, and any delivery error, in the admin. These notices are
mandatory for a cycle, so none carries an unsubscribe link.
"""

import logging
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from delegations.models import MemberState

from .. import policy
from ..models import (
    Assessment,
    Cycle,
    EmailKind,
    EmailRecord,
    ReviewComment,
    StatusChange,
    Submission,
    deadline_in_force,
)
from ..selectors.recipients import (
    FOCAL_POINTS_ONLY,
    ReminderPlan,
    delegation_addresses,
    latest_extensions,
    reminder_plan,
)

logger = logging.getLogger(__name__)


def _site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def email_prepare(
    *,
    kind: str,
    member_state: MemberState,
    cycle: Cycle,
    key: str,
    context: dict,
    copy_to: list[str] | None = None,
    addresses: dict[str, list[str]] | None = None,
) -> list[EmailRecord]:
    """Record the notice for this occasion and send it after commit: one message per
    language the recipients read, the secretariat's copy in the site's default language.
    Nothing (an empty list) if the occasion already has its notice.

    `addresses` are the State's entry of `delegation_addresses`, when the caller worked
    them out already (to say beforehand who is told): the notice goes to exactly those."""
    if EmailRecord.objects.filter(
        member_state=member_state, cycle=cycle, kind=kind, key=key
    ).exists():
        return []
    context = {
        **context,
        "member_state": member_state,
        "cycle": cycle,
        "site_url": settings.SITE_URL.rstrip("/"),
    }
    if addresses is None:
        addresses = delegation_addresses([member_state.pk], kind=kind).get(member_state.pk, {})
    by_language = dict(addresses)
    copies = {settings.LANGUAGE_CODE: copy_to or []}
    if not by_language:
        by_language = {settings.LANGUAGE_CODE: []}  # recorded, to say nobody was told
    elif copy_to and settings.LANGUAGE_CODE not in by_language:
        # Nobody in the delegation reads the default language: the copy goes on its own.
        by_language[settings.LANGUAGE_CODE], copies = copy_to, {}
    records = []
    try:
        with transaction.atomic():
            for language, recipients in sorted(by_language.items()):
                with translation.override(language):
                    record = _rendered(kind, context)
                record.member_state, record.cycle, record.key = member_state, cycle, key
                record.language, record.recipients = language, recipients
                record.copy_to = copies.get(language, [])
                if not recipients:
                    record.error = _nobody_to_tell(member_state, kind)
                record.save()
                records.append(record)
    except IntegrityError:  # the same occasion, recorded meanwhile by a concurrent act
        return []
    for record in records:
        if record.recipients or record.copy_to:
            transaction.on_commit(lambda pk=record.pk: send_email.enqueue(pk), robust=True)
    return records


def _nobody_to_tell(member_state: MemberState, kind: str) -> str:
    if kind in FOCAL_POINTS_ONLY:
        return _(
            "The delegation was not told: no focal point of %(state)s has an e-mail "
            "address on record."
        ) % {"state": member_state}
    return _(
        "The delegation was not told: no member of the delegation of %(state)s has an "
        "e-mail address on record."
    ) % {"state": member_state}


def _rendered(kind: str, context: dict) -> EmailRecord:
    """The notice's subject and bodies, in the active language."""
    return EmailRecord(
        kind=kind,
        subject=" ".join(render_to_string(f"emails/{kind}_subject.txt", context).split()),
        body_text=render_to_string(f"emails/{kind}.txt", context),
        body_html=render_to_string(f"emails/{kind}.html", context),
    )


def email_send(*, record_pk: int) -> EmailRecord:
    """Send a recorded notice unless it was sent already; record the outcome.

    The row is locked while sending, so the same notice sent twice at once (a task run
    twice) leaves once; settings.EMAIL_TIMEOUT bounds how long a mail server that does
    not answer can hold it. A notice for a delegation with nobody on record still goes
    to the secretariat's copy, and keeps saying that the delegation was not told.
    """
    with transaction.atomic():
        record = EmailRecord.objects.select_for_update().get(pk=record_pk)
        if record.sent_at is not None or not (record.recipients or record.copy_to):
            return record
        message = EmailMultiAlternatives(
            subject=record.subject,
            body=record.body_text,
            to=record.recipients,
            cc=record.copy_to,
        )
        message.attach_alternative(record.body_html, "text/html")
        record.attempts += 1
        try:
            message.send()
        except Exception as error:
            logger.warning("E-mail %s could not be sent: %s", record.pk, error)
            record.error = f"{type(error).__name__}: {error}"[:2000]
        else:
            record.sent_at = timezone.now()
            if record.recipients:
                record.error = ""
        record.save(update_fields=["attempts", "sent_at", "error"])
    return record


@task()
def send_email(record_pk: int) -> str:
    """The worker's side of a notice: send it, or record why it could not leave (which
    fails the task too, so the queue shows it)."""
    record = email_send(record_pk=record_pk)
    if record.sent_at is None and (record.recipients or record.copy_to):
        raise RuntimeError(record.error)
    return "sent"


def emails_send_unsent() -> tuple[int, int]:
    """Try again every notice that has somebody to go to and has not left; (sent, failed).

    This is also what recovers a notice whose worker died while sending it: its
    transaction was rolled back with the worker, so the notice is still unsent.
    """
    unsent = EmailRecord.objects.filter(sent_at=None).exclude(recipients=[], copy_to=[])
    sent = [
        email_send(record_pk=pk).sent_at is not None for pk in unsent.values_list("pk", flat=True)
    ]
    return sent.count(True), sent.count(False)


def _assessment_url(assessment: Assessment) -> str:
    return _site_url(assessment.get_absolute_url())


def notify_submitted(submission: Submission) -> list[EmailRecord]:
    """To the focal point, a copy to the secretariat: the submission is received.

    Prepared by a worker (`prepare_submitted_notice`, queued when the submission
    commits), not in the request: rendering a notice in every language its readers
    use would make a submit cost more than two autosaves."""
    assessment = submission.assessment
    copy = [settings.SECRETARIAT_EMAIL] if settings.SECRETARIAT_EMAIL else []
    return email_prepare(
        kind=EmailKind.SUBMITTED,
        member_state=assessment.member_state,
        cycle=assessment.cycle,
        key=f"v{submission.number}",
        copy_to=copy,
        context={
            "submission": submission,
            "url": _site_url(
                reverse("assessments:submission_detail", args=[assessment.pk, submission.number])
            ),
        },
    )


@task()
def prepare_submitted_notice(submission_pk: int) -> str:
    """The worker's side of `notify_submitted`: prepare the notice, which is then sent
    by `send_email` once this commits. Run twice, it prepares once (the occasion is
    unique)."""
    with transaction.atomic():
        submission = Submission.objects.select_related(
            "assessment__member_state", "assessment__cycle"
        ).get(pk=submission_pk)
        notify_submitted(submission)
    return "prepared"


# A submission whose notice was never prepared (its task lost with a worker) is found by
# the scheduled jobs within this time; an older one was long since received otherwise.
SUBMITTED_NOTICE_CATCH_UP = timedelta(days=7)


def submitted_notices_prepare_missing(*, now: datetime | None = None) -> int:
    """Prepare the "received" notice of every recent submission that lacks one (a lost
    task); how many were prepared. The scheduled jobs run it."""
    since = (now or timezone.now()) - SUBMITTED_NOTICE_CATCH_UP
    prepared = 0
    recent = Submission.objects.filter(submitted_at__gte=since).select_related(
        "assessment__member_state", "assessment__cycle"
    )
    noticed = set(
        EmailRecord.objects.filter(kind=EmailKind.SUBMITTED, created_at__gte=since).values_list(
            "member_state_id", "cycle_id", "key"
        )
    )
    for submission in recent.order_by("submitted_at"):
        assessment = submission.assessment
        occasion = (assessment.member_state_id, assessment.cycle_id, f"v{submission.number}")
        if occasion in noticed:
            continue
        with transaction.atomic():
            prepared += bool(notify_submitted(submission))
    return prepared


# A return's notice lists the open comments on answers up to this many (a comment may
# have 5,000 characters); the rest are on the site.
RETURN_NOTICE_COMMENTS = 30


def notify_transition(change: StatusChange) -> list[EmailRecord]:
    """To the delegation: its assessment was returned (with the comment, and the open
    comments on its answers) or accepted."""
    assessment = change.assessment
    returned = policy.is_return(change.to_status)
    context = {
        "comment": change.comment.text if change.comment else "",
        "url": _assessment_url(assessment),
    }
    if returned:
        open_comments = ReviewComment.objects.filter(
            assessment=assessment, answer__isnull=False, addressed_at=None
        ).select_related("answer__recommendation")
        listed = list(open_comments[:RETURN_NOTICE_COMMENTS])
        context["answer_comments"] = [(c.answer.recommendation.code, c.text) for c in listed]
        context["more_comments"] = max(open_comments.count() - len(listed), 0)
    return email_prepare(
        kind=EmailKind.RETURNED if returned else EmailKind.ACCEPTED,
        member_state=assessment.member_state,
        cycle=assessment.cycle,
        key=f"change-{change.pk}",
        context=context,
    )


def notify_comment(comment: ReviewComment) -> list[EmailRecord]:
    """To the delegation: the secretariat commented on the assessment or an answer."""
    assessment = comment.assessment
    return email_prepare(
        kind=EmailKind.COMMENT,
        member_state=assessment.member_state,
        cycle=assessment.cycle,
        key=f"comment-{comment.pk}",
        context={
            "comment": comment.text,
            "code": comment.answer.recommendation.code if comment.answer_id else "",
            "url": _assessment_url(assessment),
        },
    )


def _remind(
    *,
    state: MemberState,
    cycle: Cycle,
    assessment,
    deadline: date,
    today: date,
    key: str,
    addresses: dict[str, list[str]] | None = None,
) -> list[EmailRecord]:
    days_left = (deadline - today).days
    return email_prepare(
        kind=EmailKind.OVERDUE if days_left < 0 else EmailKind.REMINDER,
        member_state=state,
        cycle=cycle,
        key=key,
        addresses=addresses,
        context={
            "days_left": days_left,
            "deadline": deadline,
            "url": _assessment_url(assessment)
            if assessment
            else _site_url(reverse("assessments:home")),
        },
    )


def reminder_occasion(*, deadline: date, today: date) -> str | None:
    """The reminder due `today` for `deadline`, named for both (None if none is due).

    Due from the day a reminder's number of days before is reached, not only on that
    day, so that a day the job did not run (or a deadline set closer than the first
    reminder) loses nothing: the most urgent reminder not yet sent goes. Named for the
    deadline, an extension's new date has reminders and an overdue notice of its own.
    """
    days_left = (deadline - today).days
    if days_left < 0:
        return f"{deadline:%Y-%m-%d}-overdue"
    due = [days for days in settings.REMINDER_DAYS_BEFORE if days >= days_left]
    return f"{deadline:%Y-%m-%d}-{min(due)}-days" if due else None


def deadline_reminders(*, today: date) -> int:
    """Remind every State of an open cycle that has not submitted: some days before its
    deadline (the cycle's, or the extension in force; settings.REMINDER_DAYS_BEFORE),
    then once it has passed. Run it often (every few minutes, or at least daily): a
    reminder already prepared is not prepared again. A State with nobody on record gets
    a record saying so. Returns how many States' notices were prepared."""
    prepared = 0
    for cycle in Cycle.objects.filter(is_open=True):
        extended = latest_extensions(cycle)
        assessments = {a.member_state_id: a for a in Assessment.objects.filter(cycle=cycle)}
        for state in MemberState.objects.all():
            assessment = assessments.get(state.pk)
            if policy.reminder_refusal(assessment.status if assessment else None):
                continue
            deadline = deadline_in_force(cycle.deadline, extended.get(state.pk))
            key = reminder_occasion(deadline=deadline, today=today)
            if key is None:
                continue
            records = _remind(
                state=state,
                cycle=cycle,
                assessment=assessment,
                deadline=deadline,
                today=today,
                key=key,
            )
            prepared += bool(records)
    return prepared


def reminders_send(
    *, cycle: Cycle, member_state_ids: Iterable[int], user: AbstractBaseUser
) -> ReminderPlan:
    """The secretariat's reminder to the States it chose on the chasing desk, now.

    The plan is worked out again (a State may have submitted since the confirmation was
    shown) and followed: the skipped States get nothing, not even a record, since the desk
    tells the secretariat on the spot. Recorded like every notice (one record per
    language); the occasion names who sent it and the minute, so a double click sends
    once. Returns the plan followed.
    """
    now = timezone.now()
    plan = reminder_plan(cycle=cycle, member_state_ids=member_state_ids, today=now.date())
    key = f"sent-by-{user.pk}-{now:%Y%m%d%H%M}"
    assessments = {
        a.member_state_id: a
        for a in Assessment.objects.filter(
            cycle=cycle, member_state_id__in=[item.member_state.pk for item in plan.reminded]
        )
    }
    for item in plan.reminded:
        _remind(
            state=item.member_state,
            cycle=cycle,
            assessment=assessments.get(item.member_state.pk),
            deadline=item.deadline,
            today=now.date(),
            key=key,
            addresses=item.addresses,
        )
    return plan
