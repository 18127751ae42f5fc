"""A focal point fills in and submits a whole assessment in a real browser."""

import re

import pytest

from assessments.models import AnswerChange, Assessment, AssessmentStatus
from tests.accounts.conftest import current_code
from tests.browser.support import expect

pytestmark = pytest.mark.browser

SAVED_BY_NORA = re.compile(r"^\s*Saved \d+ \w+ at \d\d:\d\d UTC by nora\s*$")

# Every Member State recommendation of the test catalogue: its status label and value.
ANSWERS = {
    "2013-MS-01": ("Implemented", "implemented"),
    "2013-MS-02": ("Partially implemented", "partially_implemented"),
    "2013-MS-03": ("Not started", "not_started"),
    "2014-MS-01": ("Partially implemented", "partially_implemented"),
    "2014-MS-02": ("Implemented", "implemented"),
}


def evidence_of(code):
    return f"Evidence for {code}: a national action plan, <b>not markup</b>."


def link_of(code):
    return f"https://example.org/norway/{code.lower()}"


def answer(page, code, *, wait_for_delay=False):
    """Type the evidence and link and set the status of one answer, watching each save land."""
    label, _value = ANSWERS[code]
    card = page.get_by_role("article", name=code, exact=True)
    state = card.locator(".save-state")
    version = card.locator("input[type=hidden][name$='-version']")
    expect(version).to_have_value("0")
    expect(state).to_have_text("Not answered yet")

    evidence = card.get_by_role("textbox", name="Evidence", exact=True)
    evidence.fill(evidence_of(code))
    expect(state).to_have_text("Unsaved changes…")
    if not wait_for_delay:
        evidence.press("Tab")  # leaving the field saves at once ("change")
    # else: the save after a pause in typing (1.5 s) does it
    expect(version).to_have_value("1")
    expect(state).to_have_text(SAVED_BY_NORA)

    links = card.get_by_role("textbox", name="Evidence links", exact=True)
    if wait_for_delay:
        links.click()
    expect(links).to_be_focused()
    links.fill(link_of(code))
    expect(state).to_have_text("Unsaved changes…")
    links.press("Tab")
    expect(version).to_have_value("2")
    expect(state).to_have_text(SAVED_BY_NORA)

    card.get_by_role("radio", name=label, exact=True).check()
    expect(version).to_have_value("3")
    expect(state).to_have_text(SAVED_BY_NORA)


def test_a_focal_point_answers_everything_and_submits(session, cycle, focal_point_norway):
    page = session.page

    # Sign in through the form, from the navigation's link.
    page.goto("/")
    nav = page.get_by_role("navigation", name="Main navigation")
    nav.get_by_role("link", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_label("Username").fill("nora")
    page.get_by_label("Password").fill("pw-nora")
    page.get_by_role("button", name="Sign in").click()
    # A focal point's second step: the code of the authenticator app.
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    page.get_by_role("textbox", name="Code").fill(
        current_code(focal_point_norway.totpdevice_set.get())
    )
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as nora.")).to_be_visible()

    # Start the assessment of the open cycle.
    page.get_by_role("link", name="Open your State's assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Assessments of Norway")
    page.get_by_role("button", name="Start the assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Self-assessment of Norway")
    expect(page.get_by_text("0 of 5 recommendations (0%)")).to_be_visible()
    assessment = Assessment.objects.get(member_state__iso3="NOR", cycle=cycle)

    # Answer the 2013 report; every save happens in place, without reloading the page.
    page.get_by_role("link", name="2013 – Report 2013").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("2013 – Report 2013")
    # The heading shows before the deferred scripts run; typing before then is not autosaved.
    page.wait_for_load_state("load")
    expect(page.get_by_role("article")).to_have_count(3)
    page.evaluate("() => { window.notReloaded = true; }")
    answer(page, "2013-MS-01", wait_for_delay=True)
    answer(page, "2013-MS-02")
    answer(page, "2013-MS-03")
    assert page.evaluate("() => window.notReloaded") is True

    # Then the 2014 report, reached through the link to the next report.
    page.get_by_role("link", name="2014 →").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("2014 – Report 2014")
    page.wait_for_load_state("load")
    expect(page.get_by_role("article")).to_have_count(2)
    page.evaluate("() => { window.notReloaded = true; }")
    answer(page, "2014-MS-01")
    answer(page, "2014-MS-02")
    assert page.evaluate("() => window.notReloaded") is True

    # What the browser saved is in the database, each answer saved three times.
    answers = {
        stored.recommendation.code: stored
        for stored in assessment.answers.select_related("recommendation", "updated_by")
    }
    assert set(answers) == set(ANSWERS)
    for code, (_label, value) in ANSWERS.items():
        stored = answers[code]
        assert (stored.status, stored.evidence, stored.links) == (
            value,
            evidence_of(code),
            [link_of(code)],
        ), code
        assert stored.version == 3, code
        assert stored.updated_by == focal_point_norway
        assert list(
            AnswerChange.objects.filter(answer=stored)
            .order_by("version")
            .values_list("version", "changed_by__username")
        ) == [(1, "nora"), (2, "nora"), (3, "nora")], code

    # Review, confirm and submit.
    page.get_by_role("link", name="Overview").click()
    expect(page.get_by_text("5 of 5 recommendations (100%)")).to_be_visible()
    page.get_by_role("link", name="Review and submit").click()
    expect(page.get_by_role("heading", name="0 recommendations not answered")).to_be_visible()
    expect(page.get_by_text("Every recommendation has an answer.")).to_be_visible()
    expect(page.get_by_text("Every answer has evidence.")).to_be_visible()
    page.get_by_role("button", name="Submit the assessment").click()
    expect(page.get_by_text("Tick the box to confirm the submission.")).to_be_visible()
    page.get_by_role("checkbox", name=re.compile("^I confirm that this assessment")).check()
    page.get_by_role("button", name="Submit the assessment").click()

    expect(page.get_by_text("The assessment has been submitted (version 1).")).to_be_visible()
    expect(page.locator(".badge")).to_have_text("Submitted")
    expect(page.get_by_text("Read-only until the secretariat returns it.")).to_be_visible()
    expect(page.get_by_role("link", name="Review and submit")).to_have_count(0)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED
    assert assessment.submissions.count() == 1

    # The report pages now show the answers read-only: nothing to edit or upload.
    for year, codes in (("2013", 3), ("2014", 2)):
        page.get_by_role("link", name=re.compile(f"^{year} – ")).click()
        expect(page.get_by_text("This assessment is read-only.")).to_be_visible()
        expect(page.get_by_role("article")).to_have_count(codes)
        for selector in ("form", "textarea", "input:not([type=hidden])", "select"):
            expect(page.locator("main").locator(selector)).to_have_count(0)
        expect(page.get_by_role("radio")).to_have_count(0)
        expect(page.get_by_role("textbox")).to_have_count(0)
        expect(page.get_by_text(evidence_of(f"{year}-MS-01"))).to_be_visible()
        page.get_by_role("link", name="Overview").click()

    # The submitted version is on its own page.
    page.get_by_role("link", name=re.compile("^Version 1, submitted")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Norway: submission version 1")
    for code in ANSWERS:
        expect(page.get_by_text(evidence_of(code))).to_be_visible()
    assert session.dialogs == []
