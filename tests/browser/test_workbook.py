"""The offline round-trip in a browser: download, edit, upload, preview, choose, apply."""

import pytest
from django.urls import reverse

from assessments.models import AnswerChange
from assessments.services.answers import AnswerContent, answer_save
from tests.assessments.workbook_files import edit
from tests.browser.support import assert_accessible, expect

pytestmark = pytest.mark.browser


def test_the_preview_shows_changes_and_the_choice_of_versions(
    browser_session, axe_available, norway_assessment, focal_point_norway, editor_norway, tmp_path
):
    nora = browser_session(focal_point_norway)
    page = nora.page
    page.goto(norway_assessment.get_absolute_url())
    with page.expect_download() as download:
        page.get_by_role("link", name="Download workbook").click()
    assert download.value.suggested_filename == "R2P-NOR-2025-answers.xlsx"
    data = download.value.path().read_bytes()

    # While the ministries fill it in, Erik saves one of the answers online.
    answer = norway_assessment.answers.get(recommendation__code="2013-MS-01")
    answer.assessment = norway_assessment
    answer_save(
        answer=answer,
        content=AnswerContent(status="implemented", evidence="Erik's online text.", links=[]),
        base_version=0,
        user=editor_norway,
    )
    filled = tmp_path / "filled.xlsx"
    filled.write_bytes(
        edit(
            data,
            {
                "2013-MS-01": {"evidence": "The ministry's text."},
                "2014-MS-02": {"status": "Partially implemented", "links": "https://example.org"},
            },
        )
    )

    page.get_by_role("link", name="Upload workbook").click()
    # A file that is not a workbook: the errors are announced, and accessible.
    wrong = tmp_path / "notes.xlsx"
    wrong.write_bytes(b"not a workbook")
    page.get_by_label("Workbook").set_input_files(wrong)
    page.get_by_role("button", name="Check the workbook").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing has been saved.")
    assert_accessible(page)
    page.get_by_label("Workbook").set_input_files(filled)
    page.get_by_role("button", name="Check the workbook").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Changes from the workbook")
    conflict = page.get_by_role("group", name="2013-MS-01 (row 3)")
    expect(conflict).to_contain_text("Erik's online text.")
    expect(conflict).to_contain_text("The ministry's text.")
    changes = page.get_by_role("table")
    expect(changes).to_contain_text("2014-MS-02")
    expect(changes).to_contain_text("Partially implemented")
    assert_accessible(page)

    # Applying without a choice is stopped by the browser: nothing is sent.
    page.get_by_role("button", name="Apply all the changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Changes from the workbook")
    assert not AnswerChange.objects.filter(kind=AnswerChange.Kind.WORKBOOK).exists()

    # The choice by keyboard: focus the first radio, move to the workbook's version.
    keep_online = conflict.get_by_role("radio", name="Keep the version saved online")
    keep_online.focus()
    page.keyboard.press("ArrowDown")
    expect(conflict.get_by_role("radio", name="Take the version in the workbook")).to_be_checked()
    page.get_by_role("button", name="Apply all the changes").click()

    expect(page.get_by_role("status")).to_contain_text(
        "2 answers were saved from the workbook filled.xlsx."
    )
    assert page.url.endswith(reverse("assessments:assessment_detail", args=[norway_assessment.pk]))
    saved = {a.recommendation.code: a for a in norway_assessment.answers.with_catalogue()}
    assert saved["2013-MS-01"].evidence == "The ministry's text."
    assert saved["2014-MS-02"].links == ["https://example.org"]
    assert (
        AnswerChange.objects.filter(kind=AnswerChange.Kind.WORKBOOK, note="filled.xlsx").count()
        == 2
    )
