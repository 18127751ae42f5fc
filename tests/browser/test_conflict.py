"""Two colleagues edit the same answer in two browsers: the second save is refused."""

import re

import pytest
from django.urls import reverse

from tests.browser.support import expect, wait_until

pytestmark = pytest.mark.browser

SAVE_URL = re.compile(r"/assessments/\d+/answers/\d+/$")


def open_answer(session, assessment):
    session.page.goto(reverse("assessments:report_answers", args=[assessment.pk, 2013]))
    card = session.page.get_by_role("article", name="2013-MS-01", exact=True)
    expect(card.locator("input[type=hidden][name$='-version']")).to_have_value("0")
    return card


def save_as_nora(card):
    evidence = card.get_by_role("textbox", name="Evidence", exact=True)
    evidence.fill("Nora's evidence.")
    evidence.press("Tab")
    expect(card.locator(".save-state")).to_contain_text("by nora")


def test_the_second_save_shows_the_first_and_keeps_the_typed_text(
    browser_session, norway_assessment, focal_point_norway, editor_norway
):
    nora, erik = browser_session(focal_point_norway), browser_session(editor_norway)
    nora_card, erik_card = (
        open_answer(nora, norway_assessment),
        open_answer(erik, norway_assessment),
    )
    save_as_nora(nora_card)

    # Erik, whose page still has the version before Nora's save, saves his text.
    erik_evidence = erik_card.get_by_role("textbox", name="Evidence", exact=True)
    erik_evidence.fill("Erik's evidence.")
    erik_evidence.press("Tab")

    alert = erik_card.get_by_role("alert")
    expect(alert).to_contain_text(
        re.compile(
            r"nora saved this answer at \d+ \w+ \d{4}, \d\d:\d\d UTC, after you started editing\. "
            r"Your text has not been saved\."
        )
    )
    expect(alert.locator(".conflict-evidence")).to_have_text("Nora's evidence.")
    # Beside the button too: not "Saved … by nora", which is her save, not his.
    expect(erik_card.locator(".save-state")).to_contain_text("Not saved")
    expect(erik_card.locator(".save-state")).not_to_contain_text("by nora")
    expect(alert).to_contain_text("Status: Not yet answered")
    # His own text stays in the form, and nothing of his was saved.
    expect(erik_evidence).to_have_value("Erik's evidence.")
    answer = norway_assessment.answers.get(recommendation__code="2013-MS-01")
    assert (answer.evidence, answer.status, answer.version) == ("Nora's evidence.", "", 1)

    # Leaving now would lose his text: the page asks first.
    erik.page.get_by_role("link", name="Overview").click()
    assert [kind for kind, _message in erik.dialogs] == ["beforeunload"]
    expect(erik_evidence).to_have_value("Erik's evidence.")

    # He completes his version and knowingly saves it over hers; the card autosaves again.
    erik_card.get_by_role("radio", name="Partially implemented", exact=True).check()
    erik_card.get_by_role("button", name="Save my version").click()
    expect(erik_card.get_by_role("alert")).to_have_count(0)
    expect(erik_card.locator(".save-state")).to_contain_text("by erik")
    expect(erik_card.locator("input[type=hidden][name$='-version']")).to_have_value("2")
    answer.refresh_from_db()
    assert (answer.evidence, answer.status, answer.version) == (
        "Erik's evidence.",
        "partially_implemented",
        2,
    )
    erik.page.get_by_role("link", name="Overview").click()
    expect(erik.page.get_by_role("heading", level=1)).to_have_text("Self-assessment of Norway")
    assert len(erik.dialogs) == 1
    assert nora.dialogs == []


def test_what_is_typed_while_a_refused_save_is_on_its_way_is_kept(
    browser_session, norway_assessment, focal_point_norway, editor_norway
):
    nora, erik = browser_session(focal_point_norway), browser_session(editor_norway)
    nora_card, erik_card = (
        open_answer(nora, norway_assessment),
        open_answer(erik, norway_assessment),
    )
    save_as_nora(nora_card)

    # Erik's save leaves (held back here, as a slow network would) and he types on.
    held, holding = [], True

    def hold(route):
        if holding:
            held.append(route)
        else:
            route.continue_()

    erik.page.route(SAVE_URL, hold)
    evidence = erik_card.get_by_role("textbox", name="Evidence", exact=True)
    evidence.click()
    evidence.press_sequentially("Erik's evidence")
    evidence.press("Tab")
    wait_until(erik.page, lambda: held)
    evidence.click()
    evidence.press_sequentially(", typed while the save was on its way.")
    erik_card.get_by_role("radio", name="Not started", exact=True).check()
    holding = False
    for route in held:
        route.continue_()

    # The refused save brings the conflict card; it shows all he typed and chose.
    expect(erik_card.get_by_role("alert")).to_be_visible()
    expect(erik_card.get_by_role("button", name="Save my version")).to_be_visible()
    expect(evidence).to_have_value("Erik's evidence, typed while the save was on its way.")
    expect(erik_card.get_by_role("radio", name="Not started", exact=True)).to_be_checked()
    answer = norway_assessment.answers.get(recommendation__code="2013-MS-01")
    assert (answer.evidence, answer.version) == ("Nora's evidence.", 1)
