"""Limits the site enforces before a view works: body sizes, NUL in addresses, rates."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.test import RequestFactory
from django.urls import reverse

from assessments import limits
from assessments.models import Attachment, EmailRecord
from r2p_site.throttle import client_ip
from tests.assessments import conftest as assessment_fixtures
from tests.clients import SignedInClient

# The assessments' fixtures, for the signed-in pages.
catalogue = assessment_fixtures.catalogue
cycle = assessment_fixtures.cycle
first_answer = assessment_fixtures.first_answer
norway_assessment = assessment_fixtures.norway_assessment
kenya_assessment = assessment_fixtures.kenya_assessment


MIB = 1024 * 1024
MULTIPART = "multipart/form-data; boundary=BoUnDaRy"
TINY_BODY = b"--BoUnDaRy--\r\n"


def post_claiming(client, url, length, **headers):
    """A POST whose Content-Length claims `length` bytes; the body itself is tiny, and the
    test client fails any attempt to read past it."""
    return client.post(
        url, data=TINY_BODY, content_type=MULTIPART, CONTENT_LENGTH=str(length), **headers
    )


def upload_url(answer):
    return reverse("assessments:attachment_upload", args=[answer.assessment_id, answer.pk])


# Request bodies


def test_a_300_mib_upload_is_refused_before_its_body_is_read(
    settings, focal_point_norway, first_answer
):
    client = SignedInClient(enforce_csrf_checks=True)  # the CSRF check would read the body first
    client.force_login(focal_point_norway)
    with mock.patch("django.http.request.MultiPartParser") as parser:
        result = post_claiming(client, upload_url(first_answer), 300 * MIB)
    assert result.status_code == 413
    assert not parser.called
    assert not Attachment.objects.exists()
    assert "Too much data sent" in result.content.decode()
    assert filesizeformat(settings.ATTACHMENT_REQUEST_MAX_BYTES) in result.content.decode()


def test_an_upload_of_the_largest_accepted_file_passes_the_size_check(
    client, settings, focal_point_norway, first_answer
):
    client.force_login(focal_point_norway)
    length = settings.ATTACHMENT_MAX_BYTES + 10 * 1024  # the file plus its multipart headers
    with mock.patch("django.http.request.MultiPartParser") as parser:
        parser.return_value.parse.return_value = ({}, {})
        result = post_claiming(client, upload_url(first_answer), length)
    assert parser.called
    assert result.status_code == 400  # past the size check: the form says no file came


@pytest.mark.django_db
def test_the_verification_page_accepts_a_report_sized_body_and_no_more(client, settings):
    url = reverse("assessments:verify")
    with mock.patch("django.http.request.MultiPartParser") as parser:
        parser.return_value.parse.return_value = ({}, {})
        accepted = post_claiming(client, url, settings.VERIFY_MAX_BYTES)
        assert parser.call_count == 1
        refused = post_claiming(client, url, settings.VERIFY_MAX_BYTES + 1)
        assert parser.call_count == 1
    assert accepted.status_code == 400  # no file and no fingerprint: the form's message
    assert refused.status_code == 413


def test_other_views_refuse_bodies_beyond_the_default_limit(
    client, settings, focal_point_norway, first_answer
):
    client.force_login(focal_point_norway)
    url = reverse("assessments:answer_save", args=[first_answer.assessment_id, first_answer.pk])
    result = client.post(
        url,
        data="r1-evidence=x",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(settings.REQUEST_MAX_BYTES + 1),
    )
    assert result.status_code == 413
    first_answer.refresh_from_db()
    assert first_answer.version == 0


def test_an_htmx_request_refused_for_size_gets_a_short_text(
    client, settings, focal_point_norway, first_answer
):
    client.force_login(focal_point_norway)
    url = reverse("assessments:answer_save", args=[first_answer.assessment_id, first_answer.pk])
    result = post_claiming(client, url, settings.REQUEST_MAX_BYTES + 1, HTTP_HX_REQUEST="true")
    assert result.status_code == 413
    assert result["Content-Type"].startswith("text/plain")
    assert result.content.decode() == "Too much data sent: nothing has been saved."


def test_the_longest_evidence_in_any_script_fits_the_default_limit(
    client, focal_point_norway, first_answer
):
    """10,000 four-byte characters, percent-encoded: about 120 kB of the 2.5 MiB.

    𠮷 (U+20BB7, in Japanese names) is outside the Basic Multilingual Plane and printed
    by the report's CJK font; a character no shipped font has is refused whatever its
    size (tests/assessments/test_pdf_scripts.py).
    """
    client.force_login(focal_point_norway)
    prefix = f"r{first_answer.pk}-"
    result = client.post(
        reverse("assessments:answer_save", args=[first_answer.assessment_id, first_answer.pk]),
        {
            prefix + "status": "implemented",
            prefix + "evidence": "𠮷" * 10_000,
            prefix + "links": "\n".join(
                f"https://example.org/{'a' * (limits.LINK_MAX_CHARS - 21)}{i}" for i in range(10)
            ),
            prefix + "version": 0,
        },
        HTTP_HX_REQUEST="true",
    )
    assert result.status_code == 200
    first_answer.refresh_from_db()
    assert len(first_answer.evidence) == 10_000


# NUL in the query string


def test_a_nul_in_an_admin_filter_is_a_bad_request_not_a_server_error(client, secretariat):
    client.force_login(secretariat)
    url = reverse("admin:assessments_assessment_changelist")
    for query in ("status__exact=%00", "q=%00", "q=a%00b"):
        result = client.get(f"{url}?{query}")
        assert result.status_code == 400, query
        assert "null character" in result.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["%00", "a%00b", "2013-MS-01%00"])
def test_a_nul_in_the_path_is_a_bad_request_for_anyone(client, catalogue, code):
    result = client.get(f"/catalogue/recommendations/{code}/")
    assert result.status_code == 400
    assert "null character" in result.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/api/v1/recommendations/?q=%00", "/api/v1/recommendations/2013-MS-01%00/"]
)
def test_a_nul_sent_to_the_api_is_a_bad_request_in_json(client, url):
    result = client.get(url)
    assert result.status_code == 400
    assert "null character" in result.json()["detail"]


def test_a_nul_in_an_admin_path_is_a_bad_request(client, secretariat):
    client.force_login(secretariat)
    url = reverse("admin:assessments_cross_state_recommendation", args=["x"]).replace("x", "%00")
    assert client.get(url).status_code == 400


@pytest.mark.parametrize("selection", ["abc", "%00", "²", "1.5"])
def test_an_admin_action_on_rows_that_cannot_exist_is_a_bad_request(
    client, secretariat, norway_assessment, selection
):
    from urllib.parse import unquote

    client.force_login(secretariat)
    result = client.post(
        reverse("admin:assessments_assessment_changelist"),
        {"action": "export_csv", "_selected_action": [unquote(selection)]},
    )
    assert result.status_code == 400
    assert "not one of the rows of this list" in result.content.decode()


def test_the_chasing_desk_ignores_a_selection_that_is_not_a_state(client, secretariat, cycle):
    client.force_login(secretariat)
    url = reverse("admin:assessments_chasing") + f"?cycle={cycle.code}"
    page = client.post(url, {"state": ["²", "x"]}, follow=True)
    assert "The selection could not be read. Nothing was sent" in page.content.decode()
    assert not EmailRecord.objects.exists()


@pytest.mark.django_db
def test_a_nul_in_the_catalogue_search_is_a_bad_request(client, catalogue):
    url = reverse("catalogue:recommendation_list")
    assert client.get(f"{url}?q=%00").status_code == 400
    assert client.get(f"{url}?q=genocide").status_code == 200


# Rate limits


@pytest.mark.django_db
def test_the_throttles_count_in_the_database_cache_of_the_test_database():
    cache.set("probe", 1)
    assert cache.get("probe") == 1


@pytest.mark.django_db
def test_verification_is_limited_per_client_address(client, settings):
    settings.VERIFY_RATE_LIMIT = 3
    url = reverse("assessments:verify")
    for _ in range(3):
        assert client.post(url, {"sha256": "0" * 64}).status_code == 200
    refused = client.post(url, {"sha256": "0" * 64})
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 600
    assert "Too many requests" in refused.content.decode()
    # Reading the page is not limited, nor another address.
    assert client.get(url).status_code == 200
    other = client.post(url, {"sha256": "0" * 64}, REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 200


@pytest.mark.django_db
def test_a_throttled_client_no_longer_makes_the_server_read_what_it_sends(
    client, settings, monkeypatch
):
    from django.http.request import HttpRequest

    settings.VERIFY_RATE_LIMIT = 1
    parsed = []
    original = HttpRequest._load_post_and_files

    def counting(request):
        parsed.append(request.path)
        return original(request)

    monkeypatch.setattr(HttpRequest, "_load_post_and_files", counting)
    url = reverse("assessments:verify")
    upload = SimpleUploadedFile("report.pdf", b"%PDF-1.7\n" + b"0" * 4096)
    assert client.post(url, {"file": upload}).status_code == 200
    assert len(parsed) == 1
    upload.seek(0)
    assert client.post(url, {"file": upload}).status_code == 429
    assert len(parsed) == 1


@pytest.mark.django_db
def test_behind_a_trusted_proxy_verification_is_limited_per_forwarded_address(client, settings):
    settings.VERIFY_RATE_LIMIT = 1
    settings.TRUSTED_PROXY_COUNT = 1
    url = reverse("assessments:verify")
    data = {"sha256": "0" * 64}
    assert client.post(url, data, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 200
    assert client.post(url, data, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429
    # A forged first entry does not make a new client.
    forged = client.post(url, data, HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.1")
    assert forged.status_code == 429
    assert client.post(url, data, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 200


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "127.0.0.1"),
        (1, "", "127.0.0.1"),
        (1, "203.0.113.9, 198.51.100.1", "198.51.100.1"),
        (2, "203.0.113.9, 198.51.100.1, 10.0.0.2", "198.51.100.1"),
        (2, "198.51.100.1", "127.0.0.1"),
    ],
)
def test_client_ip_trusts_only_the_configured_number_of_proxies(
    settings, count, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="127.0.0.1")
    assert client_ip(request) == expected


def preview_url(assessment):
    return reverse("assessments:assessment_preview_pdf", args=[assessment.pk])


def test_the_draft_preview_is_limited_per_user_per_minute(
    client, settings, focal_point_norway, norway_assessment
):
    settings.PREVIEW_RATE_LIMIT = 2
    client.force_login(focal_point_norway)
    with mock.patch("assessments.views.documents._render_preview", return_value=b"%PDF-") as render:
        assert client.get(preview_url(norway_assessment)).status_code == 200
        assert client.get(preview_url(norway_assessment)).status_code == 200
        refused = client.get(preview_url(norway_assessment))
    assert render.call_count == 2
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60


def test_the_draft_preview_renders_one_at_a_time_per_user(
    client, focal_point_norway, editor_norway, norway_assessment
):
    client.force_login(focal_point_norway)
    colleague = SignedInClient()
    colleague.force_login(editor_norway)

    def render_while_clicking_again(assessment, user):
        # A second click of the same person arrives while this one renders.
        assert client.get(preview_url(norway_assessment)).status_code == 429
        assert colleague.get(preview_url(norway_assessment)).status_code == 200
        return b"%PDF-"

    calls = []

    def fake_render(assessment, user):
        calls.append(user)
        if len(calls) == 1:
            return render_while_clicking_again(assessment, user)
        return b"%PDF-"

    with mock.patch("assessments.views.documents._render_preview", side_effect=fake_render):
        result = client.get(preview_url(norway_assessment))
    assert result.status_code == 200
    assert calls == [focal_point_norway, editor_norway]
    # The lock is released afterwards.
    with mock.patch("assessments.views.documents._render_preview", return_value=b"%PDF-"):
        assert client.get(preview_url(norway_assessment)).status_code == 200


def test_renderings_in_the_request_are_capped_across_the_site(
    client, settings, focal_point_norway, focal_point_kenya, norway_assessment, kenya_assessment
):
    settings.PREVIEW_CONCURRENCY = 1
    client.force_login(focal_point_norway)
    other_state = SignedInClient()
    other_state.force_login(focal_point_kenya)

    def render_while_another_state_asks(assessment, user):
        if user == focal_point_norway:
            # Kenya's focal point asks while Norway's preview takes the only slot.
            refused = other_state.get(preview_url(kenya_assessment))
            assert refused.status_code == 429 and refused["Retry-After"] == "10"
        return b"%PDF-"

    with mock.patch(
        "assessments.views.documents._render_preview", side_effect=render_while_another_state_asks
    ) as render:
        assert client.get(preview_url(norway_assessment)).status_code == 200
        # Released: Kenya's turn now.
        assert other_state.get(preview_url(kenya_assessment)).status_code == 200
    assert render.call_count == 2
