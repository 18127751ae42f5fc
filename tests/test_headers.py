"""Answer headers: the Content-Security-Policy, Permissions-Policy and Cache-Control."""

import re
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import path, reverse

from tests.assessments import conftest as assessment_fixtures
from tests.assessments.test_attachments import PDF, upload

# The assessments' fixtures, for the signed-in pages.
catalogue = assessment_fixtures.catalogue
cycle = assessment_fixtures.cycle
first_answer = assessment_fixtures.first_answer
norway_assessment = assessment_fixtures.norway_assessment


BASE_DIR = Path(__file__).resolve().parents[1]

EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def directives(header: str) -> dict:
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/", "/catalogue/", "/catalogue/recommendations/", "/accounts/login/", "/nowhere/"]
)
def test_every_public_page_has_the_strict_content_security_policy(client, url):
    result = client.get(url)
    policy = directives(result["Content-Security-Policy"])
    assert policy == EXPECTED_CSP
    assert "unsafe-inline" not in result["Content-Security-Policy"]


def test_signed_in_pages_have_the_same_policy(client, focal_point_norway, norway_assessment):
    client.force_login(focal_point_norway)
    result = client.get(norway_assessment.get_absolute_url())
    assert directives(result["Content-Security-Policy"]) == EXPECTED_CSP


def test_the_admin_has_the_same_policy_but_for_inline_styles(client, secretariat):
    """The admin's jQuery widgets write inline styles; its scripts stay the site's own."""
    client.force_login(secretariat)
    expected = {**EXPECTED_CSP, "style-src": "'self' 'unsafe-inline'"}
    for name in ("admin:index", "admin:assessments_assessment_changelist"):
        result = client.get(reverse(name))
        assert directives(result["Content-Security-Policy"]) == expected


@login_not_required
def _boom(request):
    raise RuntimeError("a fault in a view")


# This module doubles as a URLconf with a view that fails, for the 500 page.
urlpatterns = [path("boom/", _boom), *import_module(settings.ROOT_URLCONF).urlpatterns]


def _error_pages(client, settings):
    """Each error page, as a visitor meets it: name -> the answer."""
    from django.test import Client

    settings.VERIFY_RATE_LIMIT = 0
    settings.ROOT_URLCONF = __name__
    strict = Client(enforce_csrf_checks=True, raise_request_exception=False)
    return {
        400: client.get("/catalogue/recommendations/%00/"),
        403: strict.post(reverse("accounts:login"), {"username": "x", "password": "y"}),
        404: client.get("/nowhere/"),
        413: client.post(reverse("assessments:verify"), CONTENT_LENGTH=10**10),
        429: client.post(reverse("assessments:verify"), {"sha256": "0" * 64}),
        500: strict.get("/boom/"),
    }


@pytest.mark.django_db
def test_every_error_page_has_the_strict_policy(client, settings):
    for status, result in _error_pages(client, settings).items():
        assert result.status_code == status
        assert directives(result["Content-Security-Policy"]) == EXPECTED_CSP, status


@pytest.mark.parametrize(
    "name",
    [
        "accounts:password_reset",
        "accounts:password_reset_done",
        "accounts:password_reset_complete",
        "accounts:two_factor",
        "accounts:two_factor_enrol",
        "accounts:password_change",
    ],
)
def test_sign_in_pages_have_the_strict_policy(client, editor_norway, name):
    if not name.startswith("accounts:password_reset"):
        client.force_login(editor_norway)
    result = client.get(reverse(name))
    assert result.status_code == 200
    assert directives(result["Content-Security-Policy"]) == EXPECTED_CSP


def test_the_code_step_of_sign_in_has_the_strict_policy(client, focal_point_norway):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=focal_point_norway, name="phone", confirmed=True)
    focal_point_norway.set_password("pw-nora")
    focal_point_norway.save()
    client.post(reverse("accounts:login"), {"username": "nora", "password": "pw-nora"})
    result = client.get(reverse("accounts:two_factor_verify"))
    assert result.status_code == 200 and "code" in result.content.decode()
    assert directives(result["Content-Security-Policy"]) == EXPECTED_CSP


def test_every_admin_list_shows_its_actions_bar():
    """Django's change_list.html sets a column width in an inline <style>, which the policy
    blocks, when a ModelAdmin hides both actions bars: keep one of them."""
    for model_admin in admin.site._registry.values():
        assert model_admin.actions_on_top or model_admin.actions_on_bottom, model_admin


def test_attachment_downloads_keep_their_own_sandbox_policy(
    client, focal_point_norway, first_answer
):
    client.force_login(focal_point_norway)
    upload(client, first_answer, "law.pdf", PDF)
    attachment = first_answer.attachments.get()
    result = client.get(reverse("assessments:attachment_download", args=[attachment.pk]))
    result.close()
    assert result["Content-Security-Policy"] == "default-src 'none'; sandbox"


# Templates: nothing inline that the policy would block.

TEMPLATES = [
    path
    for path in (BASE_DIR / "templates").rglob("*")
    if path.is_file() and "pdf" not in path.relative_to(BASE_DIR / "templates").parts
]


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(BASE_DIR)))
def test_no_browser_template_has_inline_styles_or_scripts(path):
    """PDF templates are exempt: WeasyPrint renders them and no browser applies the policy."""
    text = path.read_text()
    assert not re.search(r"\sstyle=", text)
    assert "<style" not in text
    assert not re.search(r"<script(?![^>]*\ssrc=)", text)
    assert not re.search(r"\son[a-z]+=", text)
    assert "javascript:" not in text


# Permissions-Policy and Cache-Control


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/healthz", "/nowhere/"])
def test_every_response_denies_unused_browser_features(client, url):
    policy = client.get(url)["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


@pytest.mark.django_db
def test_public_pages_for_anonymous_visitors_may_be_cached(client):
    assert "Cache-Control" not in client.get(reverse("catalogue:report_list"))


def test_every_page_of_a_signed_in_user_is_private_and_not_stored(
    client, focal_point_norway, norway_assessment
):
    client.force_login(focal_point_norway)
    for url in (
        reverse("home"),
        reverse("catalogue:report_list"),
        norway_assessment.get_absolute_url(),
        reverse("assessments:report_answers", args=[norway_assessment.pk, 2013]),
        "/nowhere/",
    ):
        assert client.get(url)["Cache-Control"] == "private, no-store", url


def test_a_views_own_cache_control_stands(client, secretariat):
    client.force_login(secretariat)
    # The admin marks its pages never_cache itself.
    result = client.get(reverse("admin:index"))
    assert "no-cache" in result["Cache-Control"]
    assert "no-store" in result["Cache-Control"]


@pytest.mark.django_db
def test_the_site_has_an_icon_so_browsers_stop_asking_for_a_missing_one(client):
    assert 'rel="icon"' in client.get("/").content.decode()
    result = client.get("/favicon.ico")
    assert result.status_code == 301
    assert result["Location"].endswith("img/favicon.svg")
