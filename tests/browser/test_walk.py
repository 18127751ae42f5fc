"""A newcomer's walk of `make run`, in Chromium: the demo as `load_demo` makes it, the task
queue as `db_worker` runs it, and e-mails printed on the console.

A delegation answers; its focal point sets up two-factor sign-in and submits without
anyone granting an extension; the PDF arrives; the secretariat reminds, comments,
returns and accepts; every notice of that loop is printed, and no page of the walk
leaves an error or a warning in the browser's console.
"""

import base64
import email
import io
from email.header import decode_header, make_header

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import TOTP

from assessments.models import Assessment, EmailKind, EmailRecord, Submission
from devtools.demo import DEMO_CYCLE_CODE, DEMO_PASSWORD, demo_load
from tests.browser.support import assert_accessible, expect

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(settings, live_server, migrated_groups):
    """What `make run` sets up: the reference data and the demo, a worker's queue, e-mails
    on the console, the development secretariat copy address."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    settings.SITE_URL = live_server.url
    settings.SECRETARIAT_EMAIL = "r2p-secretariat@example.org"
    call_command("load_reference_data", stdout=io.StringIO())
    return demo_load()


def run_worker(*walkers):
    """What `db_worker` does between two pages. In-memory SQLite refuses, rather than
    waits for, a table another thread writes: the browsers finish loading first."""
    for walker in walkers:
        walker.page.wait_for_load_state("networkidle")
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def console_mails(printed: str) -> list[email.message.Message]:
    """The messages Django's console backend printed, each followed by a line of dashes."""
    return [
        email.message_from_string(chunk.strip())
        for chunk in printed.split("-" * 79)
        if "Subject:" in chunk
    ]


def subject(message) -> str:
    return str(make_header(decode_header(message["Subject"]))).replace("\n", "")


class Walker:
    """One person in one browser, whose console is read for errors and warnings."""

    def __init__(self, session):
        self.session = session
        self.page = session.page
        self.console = []
        self.page.on("console", self._console)

    def _console(self, message):
        if message.type in ("error", "warning"):
            self.console.append(f"{self.page.url}: {message.type}: {message.text}")

    def sign_in(self, username):
        self.page.goto(reverse("accounts:login"))
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(DEMO_PASSWORD)
        self.page.get_by_role("button", name="Sign in", exact=True).click()
        self.page.wait_for_load_state()

    def enrol_in_two_factor(self):
        """The set-up page comes first: the key shown is typed into an authenticator app
        (computed here as the app would), then the recovery codes are shown once."""
        expect(self.page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
        key = self.page.locator("code").first.inner_text().replace(" ", "")
        secret = base64.b32decode(key + "=" * (-len(key) % 8))
        self.page.get_by_role("textbox", name="Code").fill(str(TOTP(secret).token()).zfill(6))
        self.page.get_by_role("button", name="Turn on two-factor sign-in").click()
        expect(self.page.get_by_role("heading", level=1)).to_have_text("Recovery codes")


def test_a_newcomer_walks_the_whole_cycle_of_the_demo(
    demo, browser_session, capsys, axe_available, django_user_model
):
    norway = django_user_model.objects.get(username="norway.focal").delegation_member
    norway = norway.member_state
    secretariat = Walker(browser_session())
    editor = Walker(browser_session())
    focal = Walker(browser_session())

    # The secretariat, at its first sign-in, sets up two-factor, then reminds Norway.
    secretariat.sign_in("secretariat")
    secretariat.enrol_in_two_factor()
    desk = secretariat.page
    desk.goto(reverse("admin:assessments_chasing") + f"?cycle={DEMO_CYCLE_CODE}")
    desk.locator(f"input[name=state][value='{norway.pk}']").check()
    desk.get_by_role("button", name="The States ticked in the list").first.click()
    desk.get_by_role("button", name="Send 1 reminder").click()
    expect(desk.get_by_text("A reminder is on its way to 1 State.")).to_be_visible()

    # An editor starts the assessment of the demo cycle and answers a recommendation.
    editor.sign_in("norway.editor")
    page = editor.page
    page.goto(reverse("assessments:home"))
    demo_section = page.get_by_role("region", name=demo.cycle.name)
    demo_section.get_by_role("button", name="Start the assessment").click()
    assessment = Assessment.objects.get(member_state=norway, cycle=demo.cycle)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Norway")
    page.goto(reverse("assessments:report_answers", args=[assessment.pk, 2009]))
    card = page.get_by_role("article").first
    card.get_by_role("radio", name="Implemented", exact=True).check()
    evidence = card.get_by_role("textbox", name="Evidence", exact=True)
    evidence.fill("National atrocity prevention committee established by decree in 2021.")
    evidence.press("Tab")
    expect(card.locator(".save-state")).to_contain_text("by Erik")
    assert_accessible(page)
    # On a phone, the folded menu opens, and the account menu in it.
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("button", name="Show or hide navigation").click()
    page.get_by_role("button", name="Erik (your account)").click()
    expect(page.get_by_text("Signed in as Erik Editor")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 900})

    # The focal point sets up two-factor at the first sign-in, invites a colleague, and
    # submits: the deadline is ahead, nobody grants an extension.
    focal.sign_in("norway.focal")
    focal.enrol_in_two_factor()
    page = focal.page
    page.goto(reverse("delegations:delegation"))
    page.get_by_label("E-mail address").fill("ola.colleague@example.org")
    page.get_by_role("button", name="Send the invitation").click()
    page.goto(reverse("assessments:assessment_submit", args=[assessment.pk]))
    assert_accessible(page)
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Submit the assessment").click()
    assessment.refresh_from_db()
    assert assessment.status == "submitted"

    run_worker(secretariat, editor, focal)  # the PDF and the notices
    submission = Submission.objects.get(assessment=assessment, number=1)
    assert submission.pdf_sha256
    page.goto(submission.get_absolute_url())
    download = page.get_by_role("link", name="Download the country report, version 1 (PDF)")
    pdf = page.request.get(download.get_attribute("href"))
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")

    # The secretariat comments on an answer, then returns the assessment.
    review = reverse("admin:assessments_assessment_change", args=[assessment.pk])
    desk.goto(review)
    first_answer = desk.locator("details").filter(has_text="Comment on 2009-MS-01")
    first_answer.locator("summary").click()
    first_answer.get_by_role("textbox").fill("Which decree? Please give its number.")
    first_answer.get_by_role("button", name="Add the comment").click()
    expect(desk.get_by_text("Your comment has been added.")).to_be_visible()
    desk.get_by_label("Comment to the delegation").fill("Please complete the 2009 report.")
    desk.get_by_role("button", name="Return version 1 for revision").click()
    desk.get_by_role("button", name="Confirm: return version 1").click()
    expect(desk.get_by_text("The assessment is returned")).to_be_visible()
    run_worker(secretariat, editor, focal)

    # The focal point revises the answer and submits version 2.
    page.goto(reverse("assessments:report_answers", args=[assessment.pk, 2009]))
    card = page.get_by_role("article").first
    evidence = card.get_by_role("textbox", name="Evidence", exact=True)
    evidence.fill("Decree 12/2021 established the national atrocity prevention committee.")
    evidence.press("Tab")
    expect(card.locator(".save-state")).to_contain_text("by Nora")
    page.goto(reverse("assessments:assessment_submit", args=[assessment.pk]))
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Submit the assessment").click()
    run_worker(secretariat, editor, focal)

    # The secretariat accepts version 2.
    desk.goto(review)
    desk.get_by_role("button", name="Accept version 2").click()
    desk.get_by_role("button", name="Confirm: accept version 2").click()
    expect(desk.get_by_text("The assessment is accepted.")).to_be_visible()
    run_worker(secretariat, editor, focal)
    assessment.refresh_from_db()
    assert assessment.status == "accepted"
    assert Submission.objects.get(assessment=assessment, number=2).pdf_sha256

    # Every notice of the loop was printed on the console, to the demo's addresses.
    printed = console_mails(capsys.readouterr().out)
    subjects = [subject(message) for message in printed]
    records = EmailRecord.objects.filter(member_state=norway, cycle=demo.cycle)
    assert sorted(records.values_list("kind", flat=True)) == sorted(
        [
            EmailKind.REMINDER,
            EmailKind.SUBMITTED,
            EmailKind.COMMENT,
            EmailKind.RETURNED,
            EmailKind.SUBMITTED,
            EmailKind.ACCEPTED,
        ]
    )
    for record in records:
        assert record.sent_at is not None, record
        assert record.subject in subjects, (record.subject, subjects)
    invitation = [message for message in printed if message["To"] == "ola.colleague@example.org"]
    assert len(invitation) == 1
    received = [message for message in printed if "Received" in subject(message)]
    assert [message["To"] for message in received] == ["nora.focal@example.org"] * 2
    assert {message["Cc"] for message in received} == {"r2p-secretariat@example.org"}
    reminder = next(m for m in printed if subject(m) == records.get(kind="reminder").subject)
    assert "nora.focal@example.org" in reminder["To"]
    assert "erik.editor@example.org" in reminder["To"]

    # No page of the walk left an error or a warning in the console.
    console = [line for walker in (secretariat, editor, focal) for line in walker.console]
    assert not console, console
