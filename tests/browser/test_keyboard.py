"""The report page works from the keyboard alone."""

import re

import pytest
from django.urls import reverse

from tests.browser.support import expect

pytestmark = pytest.mark.browser

SAVE_URL = re.compile(r"/assessments/\d+/answers/\d+/$")

FOCUS_RING = """(element) => {
  const style = getComputedStyle(element);
  return (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
    || style.boxShadow !== "none";
}"""


def tab_to(page, locator, *, limit=40):
    """Press Tab until `locator` has the focus; fail if it never gets it."""
    for _ in range(limit):
        if locator.evaluate("(element) => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{limit} presses of Tab never reached {locator}")


def test_skip_link_is_the_first_stop_and_leads_to_main(
    browser_session, norway_assessment, focal_point_norway
):
    page = browser_session(focal_point_norway).page
    page.goto(reverse("assessments:report_answers", args=[norway_assessment.pk, 2013]))
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).not_to_be_in_viewport()

    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()  # shown while it has the focus
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()

    # The next Tab goes on inside main, not back to the header.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")


def test_an_answer_is_given_and_saved_from_the_keyboard(
    browser_session, norway_assessment, focal_point_norway
):
    page = browser_session(focal_point_norway).page
    page.goto(reverse("assessments:report_answers", args=[norway_assessment.pk, 2013]))
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # skip to main
    card = page.get_by_role("article", name="2013-MS-01", exact=True)
    state = card.locator(".save-state")
    version = card.locator("input[type=hidden][name$='-version']")

    # Tab reaches the status group at its checked radio; an arrow key picks the next one.
    not_answered = card.get_by_role("radio", name="Not yet answered", exact=True)
    tab_to(page, not_answered)
    assert not_answered.evaluate(FOCUS_RING), "the focused radio shows no focus indicator"
    page.keyboard.press("ArrowRight")
    implemented = card.get_by_role("radio", name="Implemented", exact=True)
    expect(implemented).to_be_focused()
    expect(implemented).to_be_checked()
    expect(version).to_have_value("1")
    expect(state).to_contain_text("Saved")

    # Tab into the evidence, type, Tab out: saved.
    evidence = card.get_by_role("textbox", name="Evidence", exact=True)
    tab_to(page, evidence, limit=5)
    assert evidence.evaluate(FOCUS_RING), "the focused evidence field shows no focus indicator"
    page.keyboard.type("Typed with the keyboard only.")
    expect(state).to_have_text("Unsaved changes…")
    page.keyboard.press("Tab")
    expect(card.get_by_role("textbox", name="Evidence links", exact=True)).to_be_focused()
    expect(version).to_have_value("2")
    expect(state).to_contain_text("Saved")

    # The Save button works from the keyboard too (a save with nothing new changes nothing).
    save = card.get_by_role("button", name="Save", exact=True)
    tab_to(page, save, limit=3)
    with page.expect_response(SAVE_URL) as saved:
        page.keyboard.press("Enter")
    assert saved.value.status == 200
    expect(state).to_contain_text("Saved")
    expect(version).to_have_value("2")

    answer = norway_assessment.answers.get(recommendation__code="2013-MS-01")
    assert (answer.status, answer.evidence, answer.version) == (
        "implemented",
        "Typed with the keyboard only.",
        2,
    )
