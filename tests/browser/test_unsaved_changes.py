"""Leaving a page with typed text that is not saved yet asks first."""

import re

import pytest
from django.urls import reverse

from tests.browser.support import expect, wait_until

pytestmark = pytest.mark.browser

SAVE_URL = re.compile(r"/assessments/\d+/answers/\d+/$")


def test_leaving_before_the_save_asks_and_leaving_after_it_does_not(
    browser_session, norway_assessment, focal_point_norway
):
    session = browser_session(focal_point_norway)
    page = session.page
    report_url = reverse("assessments:report_answers", args=[norway_assessment.pk, 2013])
    page.goto(report_url)
    card = page.get_by_role("article", name="2013-MS-01", exact=True)
    evidence = card.get_by_role("textbox", name="Evidence", exact=True)
    state = card.locator(".save-state")

    # Hold the autosave requests: the text stays unsaved however slow the machine is.
    held, holding = [], True

    def hold(route):
        if holding:
            held.append(route)
        else:
            route.continue_()

    page.route(SAVE_URL, hold)
    evidence.click()
    evidence.press_sequentially("Typed, not saved yet")
    expect(state).to_have_text("Unsaved changes…")

    # Following a link asks; staying keeps the page and the text.
    page.get_by_role("link", name="Overview").click()
    assert [kind for kind, _message in session.dialogs] == ["beforeunload"]
    expect(page).to_have_url(re.compile(re.escape(report_url) + "$"))
    expect(evidence).to_have_value("Typed, not saved yet")

    # Let the save through: once it has landed, leaving asks nothing.
    wait_until(page, lambda: held)
    holding = False
    for route in held:
        route.continue_()
    expect(state).to_have_text(re.compile(r"^\s*Saved .* by nora\s*$"))
    page.get_by_role("link", name="Overview").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Self-assessment of Norway")
    assert len(session.dialogs) == 1
    answer = norway_assessment.answers.get(recommendation__code="2013-MS-01")
    assert answer.evidence == "Typed, not saved yet"


def test_a_failed_save_keeps_the_warning_and_says_so(
    browser_session, norway_assessment, focal_point_norway
):
    session = browser_session(focal_point_norway)
    page = session.page
    page.goto(reverse("assessments:report_answers", args=[norway_assessment.pk, 2013]))
    card = page.get_by_role("article", name="2013-MS-01", exact=True)
    evidence = card.get_by_role("textbox", name="Evidence", exact=True)

    # The server cannot be reached: the page says so, and leaving still asks.
    page.route(SAVE_URL, lambda route: route.abort("connectionrefused"))
    evidence.click()
    evidence.press_sequentially("Typed while offline")
    evidence.press("Tab")
    expect(card.locator(".save-state")).to_have_text(
        "Not saved: the server could not be reached. Your text is still here; try again."
    )
    page.get_by_role("link", name="Overview").click()
    assert [kind for kind, _message in session.dialogs] == ["beforeunload"]
    expect(evidence).to_have_value("Typed while offline")
    assert norway_assessment.answers.get(recommendation__code="2013-MS-01").evidence == ""


def test_the_save_state_does_not_say_saved_while_newer_text_is_unsaved(
    browser_session, norway_assessment, focal_point_norway
):
    session = browser_session(focal_point_norway)
    page = session.page
    page.goto(reverse("assessments:report_answers", args=[norway_assessment.pk, 2013]))
    card = page.get_by_role("article", name="2013-MS-01", exact=True)
    evidence = card.get_by_role("textbox", name="Evidence", exact=True)
    state = card.locator(".save-state")

    # The first save is held back (a slow network), the person types on meanwhile.
    held = []

    def hold(route):
        held.append(route)  # later saves stay held: their text is not saved

    page.route(SAVE_URL, hold)
    evidence.click()
    evidence.press_sequentially("First part")
    evidence.press("Tab")
    wait_until(page, lambda: held)
    evidence.click()
    evidence.press_sequentially(", second part")
    expect(state).to_have_text("Unsaved changes…")

    # The answer to the first save arrives: the newer text is still not saved.
    with page.expect_response(SAVE_URL):
        held[0].continue_()
    assert norway_assessment.answers.get(recommendation__code="2013-MS-01").evidence == (
        "First part"
    )
    expect(state).to_have_text("Unsaved changes…")
    expect(card.locator("input[type=hidden][name$='-version']")).to_have_value("1")
    page.get_by_role("link", name="Overview").click()
    assert [kind for kind, _message in session.dialogs] == ["beforeunload"]
