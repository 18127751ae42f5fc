"""A focal point publishes the accepted assessment (preview, a file ticked, consent); a
visitor finds the State's page from the list, downloads the official PDF and verifies
it; the focal point withdraws, and the page and the API entry are gone."""

import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from assessments.models import AssessmentStatus
from tests.browser.support import assert_accessible, expect
from tests.publishing import assessment_in

pytestmark = pytest.mark.browser


@pytest.fixture
def accepted(cycle, norway, focal_point_norway, django_user_model):
    reviewer = django_user_model.objects.create_user(
        username="rita", password="pw-rita", is_staff=True
    )
    return assessment_in(
        AssessmentStatus.ACCEPTED,
        member_state=norway,
        cycle=cycle,
        focal_point=focal_point_norway,
        reviewer=reviewer,
        marker="NORMARK",
    )


def test_publish_find_download_verify_and_withdraw(
    browser_session, live_server, accepted, focal_point_norway, axe_available, tmp_path
):
    assessment, (unticked, ticked) = accepted
    focal = browser_session(focal_point_norway).page
    focal.goto(reverse("assessments:assessment_detail", args=[assessment.pk]))
    focal.get_by_role("link", name="Publish…").click()

    # The preview: what becomes public, a box per file, nothing ticked yet.
    expect(focal.get_by_role("heading", name="Publish the assessment")).to_be_visible()
    expect(focal.get_by_text("NORMARK-evidence of the law.")).to_be_visible()
    expect(focal.get_by_text("https://example.org/NORMARK-link")).to_be_visible()
    boxes = [focal.get_by_label(f"Publish the file {f.original_name}") for f in (unticked, ticked)]
    for box in boxes:
        expect(box).not_to_be_checked()
    assert_accessible(focal)
    boxes[1].check()
    # Consent is asked for: without it, nothing is published and the box stays ticked.
    focal.get_by_role("button", name="Publish", exact=True).click()
    expect(focal.get_by_text("Tick the box to consent to the publication.").first).to_be_visible()
    expect(focal.get_by_label(f"Publish the file {ticked.original_name}")).to_be_checked()
    focal.get_by_label("On behalf of my State, I consent").check()
    focal.get_by_role("button", name="Publish", exact=True).click()
    expect(focal.get_by_text("The assessment is published")).to_be_visible()

    # A visitor finds the page from the list of published States.
    visitor = browser_session().page
    visitor.goto(reverse("opendata:published_list"))
    visitor.get_by_role("link", name="Norway").click()
    expect(visitor.get_by_role("heading", name="Self-assessment of Norway")).to_be_visible()
    expect(visitor.get_by_text("NORMARK-evidence of the law.")).to_be_visible()
    expect(visitor.get_by_role("link", name=ticked.original_name)).to_be_visible()
    expect(visitor.get_by_text(unticked.original_name)).to_have_count(0)
    assert_accessible(visitor)
    page_url = visitor.url

    # The official PDF: its fingerprint is the one the page shows; the verification
    # page, reached from the State's page, finds it authentic.
    with visitor.expect_download() as download:
        visitor.get_by_role("link", name="Download the country report").click()
    pdf = Path(tmp_path / "report.pdf")
    download.value.save_as(pdf)
    fingerprint = hashlib.sha256(pdf.read_bytes()).hexdigest()
    expect(visitor.get_by_text(f"SHA-256 of the PDF: {fingerprint}")).to_be_visible()
    visitor.get_by_role("link", name="verify it").click()
    visitor.get_by_label("The PDF file").set_input_files(pdf)
    visitor.get_by_role("button", name="Verify").click()
    expect(visitor.get_by_text("Authentic.")).to_be_visible()
    expect(visitor.get_by_text("version 1 of the country report of Norway")).to_be_visible()

    # In Arabic the page runs right to left and passes the same checks.
    visitor.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "ar", "url": live_server.url}]
    )
    visitor.goto(page_url)
    expect(visitor.locator("html")).to_have_attribute("dir", "rtl")
    assert_accessible(visitor)

    # The focal point withdraws; the page, the PDF and the API entry are gone.
    focal.get_by_role("link", name="Withdraw the publication").click()
    focal.get_by_label("I confirm that the publication is withdrawn").check()
    focal.get_by_role("button", name="Withdraw the publication").click()
    expect(focal.get_by_text("The publication is withdrawn")).to_be_visible()
    gone = visitor.goto(page_url)
    assert gone.status == 410
    api = visitor.request.get(f"{live_server.url}/api/v1/published/2025/NOR/")
    assert api.status == 404
    pdf_url = reverse("opendata:published_pdf", args=["2025", "NOR"])
    assert visitor.request.get(live_server.url + pdf_url).status == 404
    visitor.goto(reverse("opendata:published_list"))
    expect(visitor.get_by_role("link", name="Norway")).to_have_count(0)
