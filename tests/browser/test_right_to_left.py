"""In Arabic the page runs right to left, but what is not Arabic keeps its own direction:
a code reads "2009-MS-01", not "MS-01-2009", paragraphs "1–5", not "5–1"; an English
original ends with its full stop on the right; evidence typed in French runs left to
right in its field."""

import pytest
from django.conf import settings
from django.urls import reverse

from assessments.services.answers import AnswerContent, answer_save
from tests.browser.support import expect

pytestmark = pytest.mark.browser

# The horizontal position of the character at `index` in the first text node of the
# element: where it is drawn, after the browser has ordered the text.
CHARACTER_X = """([element, index]) => {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    let node = walker.nextNode();
    while (node && !node.textContent.trim()) node = walker.nextNode();
    const range = document.createRange();
    range.setStart(node, index);
    range.setEnd(node, index + 1);
    return range.getBoundingClientRect().left;
}"""


def x_of(locator, index: int) -> float:
    return locator.evaluate("(element, index) => (" + CHARACTER_X + ")([element, index])", index)


def test_codes_english_originals_and_latin_evidence_keep_their_direction_in_arabic(
    browser_session, live_server, norway_assessment, focal_point_norway
):
    first = norway_assessment.answers.get(recommendation__code="2013-MS-01")
    answer_save(
        answer=first,
        content=AnswerContent(status="implemented", evidence="Loi n° 12 du 3 mars.", links=[]),
        base_version=first.version,
        user=focal_point_norway,
    )
    session = browser_session(focal_point_norway)
    session.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "ar", "url": live_server.url}]
    )
    page = session.page
    page.goto(reverse("assessments:report_answers", args=[norway_assessment.pk, 2013]))
    expect(page.locator("html")).to_have_attribute("dir", "rtl")

    code = page.locator(f"#answer-{first.pk} .recommendation-code")
    expect(code).to_have_text("2013-MS-01")
    assert x_of(code, 0) < x_of(code, 5)  # "2" left of "M"

    paragraphs = page.locator('span[dir="ltr"]', has_text="–").first
    numbers = paragraphs.inner_text()
    assert x_of(paragraphs, 0) < x_of(paragraphs, len(numbers) - 1), numbers  # "1–5", not "5–1"

    original = page.locator(f'#answer-{first.pk} span[lang="en"]').first
    text = original.inner_text()
    assert text.endswith(".")
    assert x_of(original, 0) < x_of(original, len(text) - 1)  # the full stop on the right

    evidence = page.get_by_role("textbox", name="الأدلة", exact=True).first
    expect(evidence).to_have_value("Loi n° 12 du 3 mars.")
    assert evidence.evaluate("element => getComputedStyle(element).direction") == "ltr"


def test_counts_links_and_fingerprints_keep_their_order_on_the_delegations_pages_in_arabic(
    browser_session, live_server, norway_assessment, focal_point_norway
):
    from assessments.services.lifecycle import assessment_submit
    from tests.browser.test_right_to_left_desk import reads_left_to_right

    link = "https://example.org/law/12/"
    first = norway_assessment.answers.get(recommendation__code="2013-MS-01")
    answer_save(
        answer=first,
        content=AnswerContent(status="implemented", evidence="Loi n° 12.", links=[link]),
        base_version=first.version,
        user=focal_point_norway,
    )
    submission = assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)
    session = browser_session(focal_point_norway)
    session.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "ar", "url": live_server.url}]
    )
    page = session.page
    page.goto(reverse("assessments:assessment_detail", args=[norway_assessment.pk]))
    reads_left_to_right(page.locator("tfoot"), "1 / 5")  # not "5 / 1"
    page.goto(reverse("assessments:submission_detail", args=[norway_assessment.pk, 1]))
    reads_left_to_right(page.locator("main"), link)
    submission.refresh_from_db()
    reads_left_to_right(page.locator("main"), submission.pdf_sha256)
