"""Who may download and upload a workbook: the State's own delegation, while it may edit."""

import pytest
from django.urls import reverse

from assessments.models import AssessmentStatus
from tests.assessments.workbook_files import download, edit, upload
from tests.clients import SignedInClient

VIEWS = ("workbook_download", "workbook_upload", "workbook_preview")


@pytest.mark.parametrize("name", VIEWS)
def test_another_states_delegation_gets_404(client, focal_point_kenya, norway_assessment, name):
    client.force_login(focal_point_kenya)
    assert (
        client.get(reverse(f"assessments:{name}", args=[norway_assessment.pk])).status_code == 404
    )


@pytest.mark.parametrize("name", VIEWS)
def test_the_secretariat_does_not_answer_for_a_state(client, secretariat, norway_assessment, name):
    client.force_login(secretariat)
    assert (
        client.get(reverse(f"assessments:{name}", args=[norway_assessment.pk])).status_code == 404
    )


def test_another_states_upload_is_refused_before_reading(
    client, focal_point_norway, focal_point_kenya, norway_assessment
):
    client.force_login(focal_point_norway)
    data = edit(download(client, norway_assessment), {"2013-MS-01": {"evidence": "Ours."}})
    client.force_login(focal_point_kenya)
    assert upload(client, norway_assessment, data).status_code == 404
    assert norway_assessment.answers.get(recommendation__code="2013-MS-01").evidence == ""


def test_a_submitted_assessment_offers_no_workbook(client, focal_point_norway, norway_assessment):
    client.force_login(focal_point_norway)
    page = client.get(norway_assessment.get_absolute_url()).content.decode()
    assert reverse("assessments:workbook_download", args=[norway_assessment.pk]) in page
    assert reverse("assessments:workbook_upload", args=[norway_assessment.pk]) in page
    norway_assessment.status = AssessmentStatus.SUBMITTED
    norway_assessment.save()
    page = client.get(norway_assessment.get_absolute_url()).content.decode()
    assert "Download workbook" not in page and "Upload workbook" not in page
    url = reverse("assessments:workbook_download", args=[norway_assessment.pk])
    assert client.get(url).status_code == 403


def test_upload_and_apply_need_the_csrf_token(focal_point_norway, norway_assessment):
    client = SignedInClient(enforce_csrf_checks=True)
    client.force_login(focal_point_norway)
    data = edit(download(client, norway_assessment), {"2013-MS-01": {"evidence": "Forged."}})
    assert upload(client, norway_assessment, data).status_code == 403
    preview = reverse("assessments:workbook_preview", args=[norway_assessment.pk])
    assert client.post(preview, {"apply": ""}).status_code == 403
    assert norway_assessment.answers.get(recommendation__code="2013-MS-01").evidence == ""


def test_uploads_are_throttled_per_user(client, focal_point_norway, norway_assessment, settings):
    settings.WORKBOOK_RATE_LIMIT = 2
    client.force_login(focal_point_norway)
    data = download(client, norway_assessment)
    assert upload(client, norway_assessment, data).status_code == 302
    assert upload(client, norway_assessment, data).status_code == 302
    result = upload(client, norway_assessment, data)
    assert result.status_code == 429 and result["Retry-After"]


def test_a_preview_without_an_upload_sends_to_the_upload_page(
    client, focal_point_norway, norway_assessment
):
    client.force_login(focal_point_norway)
    result = client.get(reverse("assessments:workbook_preview", args=[norway_assessment.pk]))
    assert result.status_code == 302
    assert result.url == reverse("assessments:workbook_upload", args=[norway_assessment.pk])


def test_a_discarded_upload_saves_nothing(client, focal_point_norway, norway_assessment):
    client.force_login(focal_point_norway)
    data = edit(download(client, norway_assessment), {"2013-MS-01": {"evidence": "Draft."}})
    upload(client, norway_assessment, data)
    preview = reverse("assessments:workbook_preview", args=[norway_assessment.pk])
    assert client.post(preview, {"discard": ""}).status_code == 302
    assert norway_assessment.answers.get(recommendation__code="2013-MS-01").evidence == ""
    assert client.get(preview).status_code == 302


def test_the_preview_escapes_what_the_workbook_holds(client, focal_point_norway, norway_assessment):
    client.force_login(focal_point_norway)
    data = edit(
        download(client, norway_assessment),
        {"2013-MS-01": {"evidence": "<script>alert(1)</script>"}},
    )
    upload(client, norway_assessment, data, name="<b>x</b>.xlsx")
    page = client.get(reverse("assessments:workbook_preview", args=[norway_assessment.pk]))
    html = page.content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "<b>x</b>" not in html
