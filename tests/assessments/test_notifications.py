"""The e-mails of a cycle: who gets what, recorded once per occasion, faults recorded."""

import datetime
import io
import re
from smtplib import SMTPRecipientsRefused

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone, translation

from assessments.models import EmailKind, EmailRecord, ReviewComment
from assessments.services import notifications
from assessments.services.lifecycle import assessment_submit
from assessments.services.notifications import (
    deadline_reminders,
    email_send,
    emails_send_unsent,
    notify_submitted,
)
from assessments.services.review import assessment_accept, assessment_return, review_comment_add

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _addresses(settings, focal_point_norway, editor_norway):
    settings.SECRETARIAT_EMAIL = "desk@un.example"
    settings.SITE_URL = "https://r2p.example.org"
    focal_point_norway.email, editor_norway.email = "nora@mfa.example", "erik@mfa.example"
    focal_point_norway.save()
    editor_norway.save()


@pytest.fixture
def submitted(norway_assessment, focal_point_norway, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)
    return norway_assessment


def test_a_submission_is_acknowledged_to_the_focal_point_with_a_copy_to_the_secretariat(
    submitted,
):
    (message,) = mail.outbox
    assert message.to == ["nora@mfa.example"]
    assert message.cc == ["desk@un.example"]
    assert message.subject == "Received: the self-assessment of Norway, version 1"
    assert "https://r2p.example.org/assessments/" in message.body
    assert "cannot be unsubscribed" in message.body
    html, mime = message.alternatives[0]
    assert mime == "text/html" and "<a href=" in html
    record = EmailRecord.objects.get()
    assert (record.kind, record.key, record.attempts, record.error) == ("submitted", "v1", 1, "")
    assert record.sent_at is not None


def test_a_return_tells_the_whole_delegation_with_the_comment_escaped_only_in_html(
    submitted, secretariat, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assessment_return(
            assessment=submitted,
            user=secretariat,
            seen_submission=1,
            text="Cite the law <No. 12> & its decree.",
        )
    (message,) = mail.outbox
    assert sorted(message.to) == ["erik@mfa.example", "nora@mfa.example"]
    assert "Cite the law <No. 12> & its decree." in message.body
    assert "Cite the law &lt;No. 12&gt; &amp; its decree." in message.alternatives[0][0]


def test_the_longest_comment_the_secretariat_may_write_arrives_whole_in_both_parts(
    submitted, secretariat, django_capture_on_commit_callbacks
):
    from django.utils.html import escape

    from assessments.limits import COMMENT_MAX_CHARS as MAX_COMMENT_LENGTH

    line = "<b>Cite</b> the law & «décret» — القانون 法律 Закон\n"
    text = (line * (MAX_COMMENT_LENGTH // len(line) + 1))[:MAX_COMMENT_LENGTH].strip()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review_comment_add(assessment=submitted, text=text, user=secretariat)

    (message,) = mail.outbox
    assert text in message.body
    html = message.alternatives[0][0]
    assert escape(text).replace("\n", "<br>") in html and "<b>Cite" not in html
    assert "\n" not in message.subject
    assert message.message().as_bytes()  # a message the SMTP backend can send
    record = EmailRecord.objects.get(kind=EmailKind.COMMENT)
    assert text in record.body_text and record.sent_at is not None


def test_a_return_lists_the_open_comments_on_answers(
    submitted, secretariat, django_capture_on_commit_callbacks, monkeypatch
):
    answers = list(submitted.answers.in_catalogue_order().select_related("recommendation"))
    review_comment_add(
        assessment=submitted, answer=answers[0], text="Cite <the> law.", user=secretariat
    )
    addressed = review_comment_add(
        assessment=submitted, answer=answers[1], text="Which decree?", user=secretariat
    )
    ReviewComment.objects.filter(pk=addressed.pk).update(addressed_at=timezone.now())
    for answer in answers[2:4]:
        review_comment_add(assessment=submitted, answer=answer, text="More.", user=secretariat)
    monkeypatch.setattr(notifications, "RETURN_NOTICE_COMMENTS", 2)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assessment_return(
            assessment=submitted, user=secretariat, seen_submission=1, text="Please revise."
        )

    (message,) = [m for m in mail.outbox if m.subject.startswith("Returned")]
    code = answers[0].recommendation.code
    assert f"{code}: Cite <the> law." in message.body
    assert "Which decree?" not in message.body  # addressed already
    assert f"{answers[2].recommendation.code}: More." in message.body
    assert "And 1 more comment, on the site." in message.body
    html = message.alternatives[0][0]
    assert "Cite &lt;the&gt; law." in html and "And 1 more comment" in html


def test_acceptance_and_comments_are_told_once_each(
    submitted, secretariat, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review_comment_add(assessment=submitted, text="Thank you.", user=secretariat)
        assessment_accept(assessment=submitted, user=secretariat, seen_submission=1)
    assert [m.subject.split(":")[0] for m in mail.outbox] == [
        "A comment from the secretariat on the self-assessment of Norway",
        "Accepted",
    ]
    assert EmailRecord.objects.count() == 3  # with the submission's


def test_a_refused_act_sends_nothing(submitted, secretariat, django_capture_on_commit_callbacks):
    from assessments.services.lifecycle import TransitionRefused

    mail.outbox.clear()
    with pytest.raises(TransitionRefused), django_capture_on_commit_callbacks(execute=True):
        assessment_accept(assessment=submitted, user=secretariat, seen_submission=7)
    assert mail.outbox == []
    assert not EmailRecord.objects.filter(kind=EmailKind.ACCEPTED).exists()


def test_a_refusing_mail_server_is_recorded_and_the_notice_sent_later(
    monkeypatch, norway_assessment, focal_point_norway, django_capture_on_commit_callbacks
):
    def refuse(self, messages):
        raise SMTPRecipientsRefused({"nora@mfa.example": (550, b"mailbox unavailable")})

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)
    record = EmailRecord.objects.get()
    assert record.sent_at is None
    assert "SMTPRecipientsRefused" in record.error
    monkeypatch.undo()

    assert emails_send_unsent() == (1, 0)
    record.refresh_from_db()
    assert record.sent_at is not None and record.error == ""
    assert len(mail.outbox) == 1


def test_a_notice_sent_twice_leaves_once(submitted):
    record = EmailRecord.objects.get()
    email_send(record_pk=record.pk)
    email_send(record_pk=record.pk)
    assert len(mail.outbox) == 1
    record.refresh_from_db()
    assert record.attempts == 1


def test_reminders_go_on_their_days_once_and_say_so_for_a_state_with_nobody_to_tell(
    cycle, norway_assessment, kenya, settings, django_capture_on_commit_callbacks
):
    settings.REMINDER_DAYS_BEFORE = [7]
    deadline = cycle.deadline

    assert deadline_reminders(today=deadline - datetime.timedelta(days=8)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        first = deadline_reminders(today=deadline - datetime.timedelta(days=7))
        again = deadline_reminders(today=deadline - datetime.timedelta(days=7))
        next_day = deadline_reminders(today=deadline - datetime.timedelta(days=6))

    assert again == next_day == 0
    norway = EmailRecord.objects.get(member_state__iso3="NOR", kind=EmailKind.REMINDER)
    assert norway.sent_at is not None and norway.key == f"{deadline:%Y-%m-%d}-7-days"
    assert "due in 7 days" in norway.subject
    nobody = EmailRecord.objects.get(member_state=kenya, kind=EmailKind.REMINDER)
    assert nobody.sent_at is None
    assert "no member of the delegation of Kenya has an e-mail address" in nobody.error
    assert first == EmailRecord.objects.filter(kind=EmailKind.REMINDER).count()

    deadline_reminders(today=deadline + datetime.timedelta(days=1))
    overdue = EmailRecord.objects.get(member_state__iso3="NOR", kind=EmailKind.OVERDUE)
    assert "has passed" in overdue.subject


def reminders_of(state) -> list[tuple[str, str]]:
    return list(
        EmailRecord.objects.filter(member_state=state)
        .order_by("created_at", "pk")
        .values_list("kind", "key")
    )


def test_a_day_the_job_did_not_run_loses_no_reminder(cycle, norway_assessment, norway, settings):
    settings.REMINDER_DAYS_BEFORE = [7, 1]
    deadline = cycle.deadline

    deadline_reminders(today=deadline - datetime.timedelta(days=8))
    # The job was down from 7 days before to 4 days before.
    deadline_reminders(today=deadline - datetime.timedelta(days=3))
    deadline_reminders(today=deadline - datetime.timedelta(days=2))
    # And again on the last day before: the reminder of the day before goes on the day.
    deadline_reminders(today=deadline)

    day = f"{deadline:%Y-%m-%d}"
    assert reminders_of(norway) == [("reminder", f"{day}-7-days"), ("reminder", f"{day}-1-days")]
    late = EmailRecord.objects.get(member_state=norway, key=f"{day}-7-days")
    assert "due in 3 days" in late.subject


def test_an_extension_granted_after_the_reminders_has_reminders_and_overdue_notices_of_its_own(
    cycle, norway_assessment, norway, secretariat, settings
):
    from assessments.services.extensions import extension_grant

    settings.REMINDER_DAYS_BEFORE = [7]
    first, second = (cycle.deadline + datetime.timedelta(days=n) for n in (30, 60))
    deadline_reminders(today=cycle.deadline - datetime.timedelta(days=7))
    deadline_reminders(today=cycle.deadline + datetime.timedelta(days=1))
    assert [kind for kind, _key in reminders_of(norway)] == ["reminder", "overdue"]

    for until in (first, second):
        extension_grant(
            member_state=norway,
            cycle=cycle,
            until=until,
            reason="Elections.",
            granted_by=secretariat,
        )
        deadline_reminders(today=until - datetime.timedelta(days=7))
        deadline_reminders(today=until + datetime.timedelta(days=1))

    assert reminders_of(norway)[2:] == [
        ("reminder", f"{first:%Y-%m-%d}-7-days"),
        ("overdue", f"{first:%Y-%m-%d}-overdue"),
        ("reminder", f"{second:%Y-%m-%d}-7-days"),
        ("overdue", f"{second:%Y-%m-%d}-overdue"),
    ]


def test_the_secretariat_gets_its_copy_when_no_focal_point_has_an_address(
    norway_assessment, focal_point_norway, django_capture_on_commit_callbacks, settings
):
    focal_point_norway.email = ""
    focal_point_norway.save()
    with django_capture_on_commit_callbacks(execute=True):
        assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)

    (message,) = mail.outbox
    assert (message.to, message.cc) == ([], ["desk@un.example"])
    record = EmailRecord.objects.get()
    assert record.sent_at is not None
    assert "no focal point of Norway has an e-mail address" in record.error


def test_a_worker_that_dies_while_sending_leaves_the_notice_to_be_sent_again(
    submitted, secretariat, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.mail import EmailMultiAlternatives

    def killed(self, *args, **kwargs):
        raise SystemExit("worker killed")  # not an Exception: nothing records it

    mail.outbox.clear()
    with monkeypatch.context() as patch:
        patch.setattr(EmailMultiAlternatives, "send", killed)
        # The task fails (the queue shows it); the sending's transaction died with it.
        with django_capture_on_commit_callbacks(execute=True):
            assessment_accept(assessment=submitted, user=secretariat, seen_submission=1)
    record = EmailRecord.objects.get(kind=EmailKind.ACCEPTED)
    assert (record.sent_at, record.attempts) == (None, 0)

    assert emails_send_unsent() == (1, 0)
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Accepted"]
    assert emails_send_unsent() == (0, 0)


def test_a_state_that_submitted_is_not_reminded(submitted, settings):
    settings.REMINDER_DAYS_BEFORE = [7]
    deadline_reminders(today=submitted.cycle.deadline - datetime.timedelta(days=7))
    assert not EmailRecord.objects.filter(
        member_state=submitted.member_state, kind=EmailKind.REMINDER
    ).exists()


def test_the_reminders_command_reminds_and_retries(cycle, norway_assessment, settings, monkeypatch):
    settings.REMINDER_DAYS_BEFORE = [7]
    today = cycle.deadline - datetime.timedelta(days=7)
    monkeypatch.setattr(
        "django.utils.timezone.now",
        lambda: datetime.datetime.combine(today, datetime.time(6), tzinfo=datetime.UTC),
    )
    output = io.StringIO()
    call_command("send_deadline_reminders", stdout=output)
    assert "reminders prepared" in output.getvalue()
    assert [m.to for m in mail.outbox] == [["erik@mfa.example", "nora@mfa.example"]]


def test_the_secretariat_reads_every_notice_in_the_admin(client, secretariat, submitted):
    from django.urls import reverse

    client.force_login(secretariat)
    page = client.get(reverse("admin:assessments_emailrecord_changelist")).content.decode()
    assert "Submission received" in page
    assert "Norway" in page


def test_a_notice_not_tried_yet_is_listed_as_not_sent_yet(
    client, secretariat, norway_assessment, focal_point_norway, task_queue
):
    from django.urls import reverse

    submission = assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)
    notifications.prepare_submitted_notice.call(submission.pk)  # prepared, not sent yet
    client.force_login(secretariat)

    page = client.get(reverse("admin:assessments_emailrecord_changelist")).content.decode()

    assert "Not sent yet" in page
    assert "after 0 attempts" not in page


def test_an_extension_moves_the_states_reminders_and_overdue_notice(
    cycle, norway_assessment, norway, secretariat, settings
):
    from assessments.services.extensions import extension_grant

    settings.REMINDER_DAYS_BEFORE = [7]
    extension_grant(
        member_state=norway,
        cycle=cycle,
        until=cycle.deadline + datetime.timedelta(days=30),
        reason="Elections.",
        granted_by=secretariat,
    )

    deadline_reminders(today=cycle.deadline + datetime.timedelta(days=1))
    assert not EmailRecord.objects.filter(member_state=norway).exists()

    deadline_reminders(today=cycle.deadline + datetime.timedelta(days=23))
    reminder = EmailRecord.objects.get(member_state=norway)
    assert reminder.kind == EmailKind.REMINDER
    assert (cycle.deadline + datetime.timedelta(days=30)).strftime(
        "%-d %B %Y"
    ) in reminder.body_text


def confirm_reminders(client, cycle, states, **extra):
    """The chasing desk's confirmation page, as its Send button posts it."""
    from django.urls import reverse

    url = reverse("admin:assessments_chasing") + f"?cycle={cycle.code}"
    return client.post(
        url, {"confirmed": "1", "state": [state.pk for state in states], **extra}, follow=True
    )


def shown_messages(page) -> list[tuple[str, str]]:
    return [(message.level_tag, message.message) for message in page.context["messages"]]


def test_the_chasing_desk_reminds_the_states_chosen_and_names_the_skipped_with_the_reason(
    client, secretariat, cycle, norway_assessment, norway, kenya, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        page = confirm_reminders(client, cycle, [norway, kenya])

    assert shown_messages(page) == [
        ("success", "A reminder is on its way to 1 State."),
        (
            "warning",
            "1 State not reminded (no member of the delegation has an e-mail address on "
            "record): Kenya.",
        ),
    ]
    assert [m.to for m in mail.outbox] == [["erik@mfa.example", "nora@mfa.example"]]
    # Skipped on the spot, with the reason: no record of a notice that never was.
    (record,) = EmailRecord.objects.filter(kind=EmailKind.REMINDER)
    assert record.member_state == norway
    assert record.key.startswith(f"sent-by-{secretariat.pk}-")


def test_a_reminder_that_would_reach_nobody_is_a_warning_never_a_success_with_a_zero(
    client, secretariat, cycle, submitted, norway, kenya, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        page = confirm_reminders(client, cycle, [norway, kenya])

    assert shown_messages(page) == [
        ("warning", "No reminder was sent."),
        (
            "warning",
            "1 State not reminded (no member of the delegation has an e-mail address on "
            "record): Kenya.",
        ),
        ("warning", "1 State not reminded (already submitted): Norway."),
    ]
    assert "on its way to 0" not in page.content.decode()
    assert mail.outbox == []
    assert not EmailRecord.objects.filter(kind=EmailKind.REMINDER).exists()


def test_the_chasing_desk_reminds_nobody_once_the_cycle_is_closed(
    client, secretariat, cycle, norway_assessment, norway
):
    cycle.is_open = False
    cycle.save()
    client.force_login(secretariat)
    page = confirm_reminders(client, cycle, [norway])
    assert shown_messages(page) == [
        ("error", "This cycle is closed: there is no deadline to remind of.")
    ]
    assert not EmailRecord.objects.exists()


def test_a_reminder_needs_a_selection_and_the_review_permission(
    client, secretariat, editor_norway, cycle, norway
):
    from django.urls import reverse

    url = reverse("admin:assessments_chasing") + f"?cycle={cycle.code}"
    client.force_login(secretariat)
    assert (
        "Select the States to remind first." in client.post(url, {}, follow=True).content.decode()
    )
    client.force_login(editor_norway)
    client.post(url, {"state": [norway.pk], "confirmed": "1"})
    assert not EmailRecord.objects.exists()


def test_who_is_told_is_one_rule_for_the_sender_and_for_saying_it_beforehand(
    norway, kenya, focal_point_norway, editor_norway, focal_point_kenya, django_user_model
):
    from assessments.selectors.recipients import delegation_addresses
    from delegations.models import Member

    focal_point_norway.language = "fr"
    focal_point_norway.save()
    gone = django_user_model.objects.create_user("gone", email="gone@mfa.example")
    gone.is_active = False
    gone.save()
    Member.objects.create(user=gone, member_state=norway, role="editor")

    everyone = delegation_addresses([norway.pk, kenya.pk], kind=EmailKind.COMMENT)
    focal_points = delegation_addresses([norway.pk, kenya.pk], kind=EmailKind.SUBMITTED)

    # Kenya's focal point has no address: Kenya is left out, as the sender leaves it out.
    assert everyone == {norway.pk: {"en": ["erik@mfa.example"], "fr": ["nora@mfa.example"]}}
    assert focal_points == {norway.pk: {"fr": ["nora@mfa.example"]}}


def test_a_notice_goes_to_exactly_who_the_rule_says(
    submitted, secretariat, django_capture_on_commit_callbacks
):
    from assessments.selectors.recipients import delegation_addresses

    state = submitted.member_state
    with django_capture_on_commit_callbacks(execute=True):
        review_comment_add(assessment=submitted, text="Why?", user=secretariat)
    records = EmailRecord.objects.filter(kind=EmailKind.COMMENT)
    expected = delegation_addresses([state.pk], kind=EmailKind.COMMENT)[state.pk]
    assert {record.language: record.recipients for record in records} == expected
    assert expected == {"en": ["erik@mfa.example", "nora@mfa.example"]}


def test_the_reminder_plan_names_each_skipped_state_with_its_reason(
    cycle, norway_assessment, kenya_assessment, norway, kenya, focal_point_kenya, secretariat
):
    from assessments.selectors.recipients import reminder_plan
    from assessments.services.extensions import extension_grant
    from assessments.services.lifecycle import assessment_start
    from delegations.models import MemberState

    focal_point_kenya.email = "wanjiru@mfa.example"
    focal_point_kenya.save()
    later = cycle.deadline + datetime.timedelta(days=30)
    extension_grant(
        member_state=kenya, cycle=cycle, until=later, reason="Elections.", granted_by=secretariat
    )
    chosen = [norway, kenya]
    for iso3, status in [
        ("CHL", None),
        ("PER", "submitted"),
        ("URY", "returned"),
        ("ARG", "accepted"),
    ]:
        state = MemberState.objects.create(
            name=iso3, iso3=iso3, regional_group="latin_american_caribbean"
        )
        if status:
            assessment = assessment_start(member_state=state, cycle=cycle, started_by=secretariat)
            assessment.status = status
            assessment.save()
        chosen.append(state)

    plan = reminder_plan(
        cycle=cycle,
        member_state_ids=[state.pk for state in chosen],
        today=cycle.deadline + datetime.timedelta(days=1),
    )

    assert [
        (item.member_state.iso3, item.recipient_count, item.deadline, item.overdue)
        for item in plan.reminded
    ] == [("KEN", 1, later, False), ("NOR", 2, cycle.deadline, True)]
    assert {item.member_state.iso3: item.reason for item in plan.skipped} == {
        "ARG": "already submitted and accepted",
        "CHL": "no member of the delegation has an e-mail address on record",
        "PER": "already submitted",
        "URY": "returned for revision: a reminder of the deadline does not apply",
    }


def test_a_reminder_to_a_state_that_does_not_exist_is_refused_and_sends_nothing(
    cycle, norway_assessment, norway, secretariat
):
    from assessments.selectors.recipients import RemindersRefused
    from assessments.services.notifications import reminders_send
    from delegations.models import MemberState

    missing = MemberState.objects.order_by("-pk").first().pk + 1
    with pytest.raises(RemindersRefused, match="do not exist"):
        reminders_send(cycle=cycle, member_state_ids=[norway.pk, missing], user=secretariat)
    assert not EmailRecord.objects.exists()


def test_the_scheduled_reminders_follow_the_same_rule_of_who_is_reminded(
    cycle, norway_assessment, kenya_assessment, settings
):
    settings.REMINDER_DAYS_BEFORE = [7]
    kenya_assessment.status = "returned"
    kenya_assessment.save()
    deadline_reminders(today=cycle.deadline - datetime.timedelta(days=7))
    assert set(
        EmailRecord.objects.filter(kind=EmailKind.REMINDER).values_list(
            "member_state__iso3", flat=True
        )
    ) == {"NOR"}


def test_a_notice_leaves_with_the_worker_not_in_the_request(
    task_queue, norway_assessment, focal_point_norway, django_capture_on_commit_callbacks
):
    from tests.queue import run_queued

    with django_capture_on_commit_callbacks(execute=True):
        assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)
    assert mail.outbox == []
    assert not EmailRecord.objects.exists()  # the worker prepares it too

    with django_capture_on_commit_callbacks(execute=True):
        assert "prepared" in run_queued(task_queue)
    assert EmailRecord.objects.get().sent_at is None
    outcomes = run_queued(task_queue)

    assert "sent" in outcomes
    assert [m.subject for m in mail.outbox] == [
        "Received: the self-assessment of Norway, version 1"
    ]
    assert EmailRecord.objects.get().sent_at is not None


def test_each_member_gets_the_notice_in_the_language_they_chose(
    submitted, secretariat, focal_point_norway, django_capture_on_commit_callbacks, monkeypatch
):
    focal_point_norway.language = "fr"
    focal_point_norway.save()
    mail.outbox.clear()
    rendered_in = []
    render = notifications.render_to_string

    def spy(template_name, context):
        rendered_in.append((template_name, translation.get_language()))
        return render(template_name, context)

    monkeypatch.setattr(notifications, "render_to_string", spy)
    with django_capture_on_commit_callbacks(execute=True):
        assessment_return(assessment=submitted, user=secretariat, seen_submission=1, text="Why?")

    by_recipient = {tuple(message.to): message for message in mail.outbox}
    assert set(by_recipient) == {("erik@mfa.example",), ("nora@mfa.example",)}
    assert 'lang="fr"' in by_recipient[("nora@mfa.example",)].alternatives[0][0]
    assert 'lang="en"' in by_recipient[("erik@mfa.example",)].alternatives[0][0]
    assert sorted(rendered_in) == sorted(
        (f"emails/returned{part}", language)
        for part in ("_subject.txt", ".txt", ".html")
        for language in ("en", "fr")
    )
    records = EmailRecord.objects.filter(kind=EmailKind.RETURNED).order_by("language")
    assert [(r.language, r.recipients) for r in records] == [
        ("en", ["erik@mfa.example"]),
        ("fr", ["nora@mfa.example"]),
    ]


def test_the_secretariat_copy_stays_in_the_default_language(
    norway_assessment, focal_point_norway, django_capture_on_commit_callbacks
):
    focal_point_norway.language = "ar"
    focal_point_norway.save()
    with django_capture_on_commit_callbacks(execute=True):
        assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)

    by_recipient = {tuple(message.to + message.cc): message for message in mail.outbox}
    assert set(by_recipient) == {("nora@mfa.example",), ("desk@un.example",)}
    assert 'lang="ar" dir="rtl"' in by_recipient[("nora@mfa.example",)].alternatives[0][0]
    assert 'lang="en" dir="ltr"' in by_recipient[("desk@un.example",)].alternatives[0][0]
    assert by_recipient[("desk@un.example",)].subject == (
        "Received: the self-assessment of Norway, version 1"
    )
    # Prepared twice (a task run twice), the occasion is not sent again in any language.
    assert notify_submitted(norway_assessment.submissions.get()) == []
    assert EmailRecord.objects.count() == 2


def test_an_arabic_comment_notice_keeps_the_code_left_to_right_in_both_parts(
    submitted, secretariat, focal_point_norway, editor_norway, django_capture_on_commit_callbacks
):
    focal_point_norway.language = "ar"
    focal_point_norway.save()
    answer = submitted.answers.get(recommendation__code="2013-MS-01")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review_comment_add(assessment=submitted, text="شكرا.", user=secretariat, answer=answer)

    (arabic,) = [message for message in mail.outbox if "nora@mfa.example" in message.to]
    # The Unicode isolates in the text, a left-to-right span in the HTML.
    assert "\u20662013-MS-01\u2069" in arabic.body
    assert '<span dir="ltr">2013-MS-01</span>' in arabic.alternatives[0][0]
    assert '<blockquote dir="auto">شكرا.</blockquote>' in arabic.alternatives[0][0]
    # Other languages get the code as it is.
    (english,) = [message for message in mail.outbox if "erik@mfa.example" in message.to]
    assert "2013-MS-01" in english.body and "\u2066" not in english.body


def test_the_jobs_prepare_a_received_notice_whose_task_was_lost(
    task_queue, norway_assessment, focal_point_norway, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)
    task_queue.clear()  # the worker died with the notice's task

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_deadline_reminders", stdout=io.StringIO())
        call_command("send_deadline_reminders", stdout=io.StringIO())

    record = EmailRecord.objects.get()
    assert (record.kind, record.key, record.recipients) == ("submitted", "v1", ["nora@mfa.example"])


def test_the_jobs_leave_a_submission_older_than_a_week_alone(
    task_queue, norway_assessment, focal_point_norway
):
    submission = assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)
    task_queue.clear()
    submission.submitted_at -= notifications.SUBMITTED_NOTICE_CATCH_UP + datetime.timedelta(1)
    submission.save(update_fields=["submitted_at"])

    assert notifications.submitted_notices_prepare_missing() == 0
    assert not EmailRecord.objects.exists()


def test_an_arabic_notice_keeps_its_address_left_to_right(
    submitted, secretariat, focal_point_norway, django_capture_on_commit_callbacks
):
    focal_point_norway.language = "ar"
    focal_point_norway.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assessment_return(assessment=submitted, user=secretariat, seen_submission=1, text="Why?")

    (arabic,) = [m for m in mail.outbox if m.to == ["nora@mfa.example"]]
    html = arabic.alternatives[0][0]
    assert 'dir="rtl"' in html
    # Without its own direction the address's last slash is drawn before its "https".
    assert re.search(r'<a href="https?://[^"]+" dir="ltr">https?://', html)
