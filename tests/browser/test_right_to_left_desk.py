"""The secretariat's desk in Arabic runs right to left, and what is not Arabic keeps its
own order: a code reads "2013-MS-01", not "MS-01-2013", in the review page's headings
and in the change lists; a link starts with "https" and ends with its last slash; a
count reads "2 / 5", not "5 / 2"; a cycle named in English reads as written in a list
filter; evidence written in English starts at its own left edge, full stop on the right."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from assessments.models import AnswerStatus, Cycle
from assessments.services.answers import AnswerContent, answer_save
from assessments.services.lifecycle import assessment_submit
from assessments.services.review import assessment_return
from tests.browser.support import expect

pytestmark = pytest.mark.browser

LINK = "https://example.org/law/12/"
EVIDENCE = "Act no. 12 of 2019, in force."


@pytest.fixture
def secretariat_user(admin_user):
    """A superuser who passed the second sign-in step: live-server tests have no groups."""
    TOTPDevice.objects.create(user=admin_user, name="phone", confirmed=True)
    return admin_user


def _save(answer, user, *, status, evidence, links):
    answer.refresh_from_db()
    answer_save(
        answer=answer,
        content=AnswerContent(status=status, evidence=evidence, links=links),
        base_version=answer.version,
        user=user,
    )


@pytest.fixture
def second_version(norway_assessment, focal_point_norway, secretariat_user):
    """Norway's assessment submitted twice: version 2 changes the evidence of 2013-MS-01
    and adds a link to it; two of its five answers are answered."""
    first = norway_assessment.answers.get(recommendation__code="2013-MS-01")
    second = norway_assessment.answers.get(recommendation__code="2013-MS-02")
    _save(
        first,
        focal_point_norway,
        status=AnswerStatus.PARTIALLY_IMPLEMENTED,
        evidence="Draft act.",
        links=[],
    )
    _save(second, focal_point_norway, status=AnswerStatus.NOT_STARTED, evidence="", links=[])
    assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)
    assessment_return(
        assessment=norway_assessment,
        user=secretariat_user,
        seen_submission=1,
        text="Cite the law.",
    )
    _save(
        first, focal_point_norway, status=AnswerStatus.IMPLEMENTED, evidence=EVIDENCE, links=[LINK]
    )
    assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)
    return first


@pytest.fixture
def arabic_desk(browser_session, live_server, secretariat_user):
    session = browser_session(secretariat_user)
    session.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "ar", "url": live_server.url}]
    )
    return session.page


# The horizontal position of the character at `index` of `text`, in the first text node
# of the element that holds `text`: where it is drawn, after the browser ordered the line.
CHARACTER_X_IN = """(element, [text, index]) => {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const start = node.textContent.indexOf(text);
        if (start < 0) continue;
        const range = document.createRange();
        range.setStart(node, start + index);
        range.setEnd(node, start + index + 1);
        return range.getBoundingClientRect().left;
    }
    throw new Error("not found: " + text);
}"""


def x_in(locator, text: str, index: int) -> float:
    return locator.evaluate(CHARACTER_X_IN, [text, index])


def reads_left_to_right(locator, text: str) -> None:
    """`text`, somewhere in the element, has its first character left of its last (and
    of every other one)."""
    expect(locator).to_contain_text(text)
    first = x_in(locator, text, 0)
    assert all(first < x_in(locator, text, index) for index in range(1, len(text))), text


def test_the_review_page_in_arabic_keeps_codes_links_counts_and_english_in_their_order(
    arabic_desk, norway_assessment, second_version
):
    page = arabic_desk
    page.goto(reverse("admin:assessments_assessment_change", args=[norway_assessment.pk]))
    expect(page.locator("html")).to_have_attribute("dir", "rtl")

    # What changed since version 1: the heading's code, the link added, the evidence.
    change = page.locator(".review-change").first
    reads_left_to_right(change.locator("h3"), "2013-MS-01")
    reads_left_to_right(change.locator("dd li"), LINK)
    after = change.locator(".review-evidence-diff p").last
    expect(after).to_have_text(EVIDENCE)
    assert after.evaluate("element => getComputedStyle(element).direction") == "ltr"
    # Aligned to its own start: the first letter at the paragraph's left edge.
    left = after.evaluate("element => element.getBoundingClientRect().left")
    assert abs(x_in(after, EVIDENCE, 0) - left) < 2
    reads_left_to_right(after, EVIDENCE)  # the full stop on the right

    # The count answered in the status line; each answer's code and link.
    reads_left_to_right(page.locator("#content-main > p").first, "2 / 5")
    answer = page.locator(f"#answer-{second_version.pk}")
    reads_left_to_right(answer.locator("h3"), "2013-MS-01")
    reads_left_to_right(answer, LINK)  # starts with "https", ends with its slash

    # The comment box's label: its code in the Arabic sentence.
    answer.locator(".review-comment-form summary").click()
    reads_left_to_right(page.locator(f'label[for="comment-{second_version.pk}"]'), "2013-MS-01")


def test_the_change_lists_and_filters_in_arabic_keep_counts_codes_and_names_in_order(
    arabic_desk, norway_assessment, second_version
):
    # A filter by cycle is offered once there are two to choose from.
    Cycle.objects.create(code="2026", name="2026 debate", deadline=datetime.date(2099, 6, 25))
    page = arabic_desk
    page.goto(reverse("admin:assessments_assessment_changelist"))
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    reads_left_to_right(page.locator("#result_list td.field-progress"), "2 / 5")
    reads_left_to_right(page.locator("#changelist-filter"), "2026 debate")

    page.goto(reverse("admin:catalogue_recommendation_changelist"))
    reads_left_to_right(
        page.locator("#result_list .field-code", has_text="2013-MS-01"), "2013-MS-01"
    )
