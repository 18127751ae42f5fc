"""Answering once for a theme in a browser: from the overview read by theme to the
theme's page, the answer given by keyboard, an answered recommendation replaced only
when asked; and the public pages that lead from a recommendation to its siblings."""

import pytest

from assessments.models import AnswerChange, AnswerStatus
from assessments.services.answers import AnswerContent, answer_save
from tests.browser.support import assert_accessible, expect
from tests.browser.test_accessibility import _theme

pytestmark = pytest.mark.browser

CODES = ("2013-MS-01", "2013-MS-03", "2014-MS-02")


def test_a_delegate_answers_a_theme_by_keyboard_and_replaces_an_answer_only_when_asked(
    browser_session, axe_available, catalogue, norway_assessment, focal_point_norway, editor_norway
):
    _theme(CODES)
    answered = norway_assessment.answers.get(recommendation__code="2013-MS-03")
    answer_save(
        answer=answered,
        content=AnswerContent(status=AnswerStatus.NOT_STARTED, evidence="Erik's.", links=[]),
        base_version=answered.version,
        user=editor_norway,
    )
    page = browser_session(focal_point_norway).page
    page.goto(norway_assessment.get_absolute_url())
    page.get_by_role("link", name="By theme").click()
    page.get_by_role("link", name="National focal points").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("National focal points")
    expect(page.get_by_role("table")).to_contain_text("Erik's.")
    assert_accessible(page)

    page.get_by_label("Implemented", exact=True).focus()
    page.keyboard.press("Space")
    page.get_by_label("Evidence", exact=True).fill("Focal point appointed by decree 4/2024.")
    page.get_by_role("button", name="Give this answer").press("Enter")

    expect(page.get_by_role("status")).to_contain_text("2 recommendations: 2013-MS-01, 2014-MS-02")
    given = {
        answer.recommendation.code: answer
        for answer in norway_assessment.answers.filter(recommendation__code__in=CODES)
    }
    assert given["2013-MS-01"].status == AnswerStatus.IMPLEMENTED
    assert given["2014-MS-02"].evidence == "Focal point appointed by decree 4/2024."
    # Erik's answer stays until the delegate asks for it to be replaced.
    assert given["2013-MS-03"].evidence == "Erik's."
    assert_accessible(page)

    page.get_by_label("Implemented", exact=True).check()
    page.get_by_label("Evidence", exact=True).fill("Focal point appointed by decree 4/2024.")
    # All three are answered now: replacing them must be asked for.
    page.get_by_label("Also replace the answers already given to 3 recommendations").check()
    page.get_by_role("button", name="Give this answer").click()
    expect(page.get_by_role("status")).to_contain_text(
        "3 recommendations: 2013-MS-01, 2013-MS-03, 2014-MS-02"
    )
    replaced = norway_assessment.answers.get(recommendation__code="2013-MS-03")
    assert (replaced.status, replaced.evidence) == (
        AnswerStatus.IMPLEMENTED,
        "Focal point appointed by decree 4/2024.",
    )
    assert replaced.changes.order_by("-pk").first().kind == AnswerChange.Kind.THEME


def test_a_reader_follows_a_recommendation_to_its_theme_and_siblings(page, catalogue):
    _theme(CODES)
    page.goto("/catalogue/reports/2013/")
    page.get_by_role("link", name="2013-MS-01").click()
    section = page.get_by_role("region", name="National focal points")
    expect(section.get_by_role("link", name="2014-MS-02")).to_be_visible()
    section.get_by_role("link", name="National focal points").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("National focal points")
    # In order across the years, each with the reason for its link.
    items = page.locator("ol.recommendation-list > li")
    expect(items).to_have_count(3)
    expect(items.first).to_contain_text("2013-MS-01")
    expect(items.last).to_contain_text("2014-MS-02")
    expect(items.last).to_contain_text("Why here: Test.")
