"""Without JavaScript, each answer card's Save and Upload buttons post the form, with the
CSRF token of the session that opened the page, also when the card was rendered for an
earlier page, someone else's included."""

import pytest
from django.urls import reverse

from tests.browser.support import expect, sign_in

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def without_javascript(browser, live_server):
    contexts = []

    def open_context(user):
        context = browser.new_context(
            base_url=live_server.url,
            java_script_enabled=False,
            viewport={"width": 1280, "height": 900},
        )
        contexts.append(context)
        sign_in(context, user, live_server.url)
        return context.new_page()

    yield open_context
    for context in contexts:
        context.close()


def test_without_javascript_a_card_shown_before_saves_and_uploads(
    without_javascript, norway_assessment, focal_point_norway, editor_norway, tmp_path
):
    report = reverse("assessments:report_answers", args=[norway_assessment.pk, 2013])
    # Erik's page renders the cards first; Nora's shows them again.
    without_javascript(editor_norway).goto(report)
    page = without_javascript(focal_point_norway)
    page.goto(report)
    card = page.get_by_role("article", name="2013-MS-01", exact=True)

    card.get_by_role("radio", name="Implemented", exact=True).check()
    card.get_by_role("textbox", name="Evidence", exact=True).fill("Law of 2020.")
    card.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_text("Your answer to 2013-MS-01 has been saved.")).to_be_visible()
    card = page.get_by_role("article", name="2013-MS-01", exact=True)
    expect(card.get_by_role("textbox", name="Evidence", exact=True)).to_have_value("Law of 2020.")
    law = tmp_path / "law.pdf"
    law.write_bytes(PDF)
    card.get_by_label("Attach a file").set_input_files(law)
    card.get_by_role("button", name="Upload", exact=True).click()

    expect(page.get_by_text("law.pdf is attached to 2013-MS-01.")).to_be_visible()
    card = page.get_by_role("article", name="2013-MS-01", exact=True)
    expect(card.get_by_role("link", name="law.pdf", exact=True)).to_be_visible()
    answer = norway_assessment.answers.get(recommendation__code="2013-MS-01")
    assert (answer.status, answer.evidence, answer.version) == ("implemented", "Law of 2020.", 1)
    assert answer.attachments.get().original_name == "law.pdf"
