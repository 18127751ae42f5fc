"""Any member of a delegation downloads its own submission rendered in each of the six
languages, marked on every page as a rendering of the official report; another State's
member and anyone outside a delegation do not; the rendering brakes hold for them too."""

import io
import re
from unittest import mock

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from assessments.models import AnswerStatus, Submission
from assessments.services.answers import AnswerContent, answer_save
from assessments.services.lifecycle import assessment_submit

pytestmark = pytest.mark.django_db

OTHER_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]


@pytest.fixture
def official(norway_assessment, focal_point_norway, django_capture_on_commit_callbacks):
    """Norway's first submission, in English, with its official PDF stored."""
    answer = norway_assessment.answers.get(recommendation__code="2013-MS-01")
    answer_save(
        answer=answer,
        content=AnswerContent(status=AnswerStatus.IMPLEMENTED, evidence="Act no. 12.", links=[]),
        base_version=0,
        user=focal_point_norway,
    )
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        submission = assessment_submit(
            assessment=norway_assessment, submitted_by=focal_point_norway
        )
    submission.refresh_from_db()
    assert submission.pdf_sha256
    return submission


def rendering_url(submission, language):
    url = reverse(
        "assessments:submission_translated_pdf", args=[submission.assessment_id, submission.number]
    )
    return f"{url}?language={language}"


@pytest.fixture
def outsider(django_user_model):
    """Signed in, neither in a delegation nor in the secretariat."""
    return django_user_model.objects.create_user(username="olga", password="pw-olga")


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_a_delegation_editor_downloads_the_submission_in_another_language_marked_as_a_rendering(
    client, official, editor_norway, language
):
    client.force_login(editor_norway)
    result = client.get(rendering_url(official, language))
    assert result.status_code == 200
    assert result["Content-Disposition"] == f'attachment; filename="R2P-NOR-2025-v1-{language}.pdf"'
    reader = PdfReader(io.BytesIO(b"".join(result.streaming_content)))
    assert reader.trailer["/Root"]["/Lang"] == language
    # The official PDF's fingerprint on the cover and at the foot of every page.
    pages = ["".join(page.extract_text().split()) for page in reader.pages]
    assert all(official.pdf_sha256 in text for text in pages), pages[0]
    assert Submission.objects.count() == 1  # nothing stored


def test_the_official_language_leads_a_delegate_to_the_official_pdf(
    client, official, focal_point_norway
):
    client.force_login(focal_point_norway)
    result = client.get(rendering_url(official, "en"))
    assert result.status_code == 302
    assert result["Location"] == reverse(
        "assessments:submission_pdf", args=[official.assessment_id, 1]
    )


def test_another_states_member_and_anyone_outside_a_delegation_get_not_found(
    client, official, focal_point_kenya, outsider
):
    url = rendering_url(official, "fr")
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse(settings.LOGIN_URL))
    client.force_login(focal_point_kenya)
    assert client.get(url).status_code == 404
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_a_delegates_renderings_are_braked_like_the_draft_preview(
    client, settings, official, editor_norway
):
    settings.PREVIEW_RATE_LIMIT = 2
    client.force_login(editor_norway)
    with mock.patch(
        "assessments.views.documents.render_country_report", return_value=b"%PDF-"
    ) as render:
        assert client.get(rendering_url(official, "fr")).status_code == 200
        assert client.get(rendering_url(official, "ar")).status_code == 200
        refused = client.get(rendering_url(official, "es"))
    assert render.call_count == 2
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60


LINK = re.compile(
    r'<a href="([^"]+)" hreflang="([^"]+)" lang="([^"]+)" dir="(rtl|ltr)">([^<]+)</a>'
)


def rendering_links(html: str) -> list[tuple[str, str, str, str, str]]:
    section = re.search(r'<section class="rendering-links".*?</section>', html, re.DOTALL)
    assert section, "no links to the renderings"
    return LINK.findall(section.group())


@pytest.mark.parametrize("reader", ["editor_norway", "focal_point_norway", "secretariat"])
def test_the_submission_page_links_each_language_by_its_own_name(client, official, reader, request):
    client.force_login(request.getfixturevalue(reader))
    html = client.get(
        reverse("assessments:submission_detail", args=[official.assessment_id, 1]),
        headers={"accept-language": "ar"},
    ).content.decode()
    official_pdf = reverse("assessments:submission_pdf", args=[official.assessment_id, 1])
    assert rendering_links(html) == [
        (rendering_url(official, "ar"), "ar", "ar", "rtl", "العربيّة"),
        (rendering_url(official, "zh-hans"), "zh-hans", "zh-hans", "ltr", "简体中文"),
        (official_pdf, "en", "en", "ltr", "English"),
        (rendering_url(official, "fr"), "fr", "fr", "ltr", "français"),
        (rendering_url(official, "ru"), "ru", "ru", "ltr", "Русский"),
        (rendering_url(official, "es"), "es", "es", "ltr", "español"),
    ]


def test_the_assessment_page_links_the_latest_submission_in_each_language(
    client, official, editor_norway
):
    client.force_login(editor_norway)
    html = client.get(reverse("assessments:assessment_detail", args=[official.assessment_id]))
    links = rendering_links(html.content.decode())
    assert [language for _url, language, *_rest in links] == [
        code for code, _name in settings.LANGUAGES
    ]
    assert (rendering_url(official, "ru"), "ru", "ru", "ltr", "Русский") in links


def test_no_rendering_is_offered_before_the_official_pdf_exists(
    client, norway_assessment, focal_point_norway, task_queue
):
    submission = assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)
    assert not submission.pdf
    client.force_login(focal_point_norway)
    html = client.get(
        reverse("assessments:submission_detail", args=[norway_assessment.pk, 1])
    ).content.decode()
    assert 'class="rendering-links"' not in html
    # Asked for all the same: the page that says the official PDF is being prepared.
    assert client.get(rendering_url(submission, "fr")).status_code == 202
