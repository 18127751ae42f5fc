"""The six UN languages: every main page in each, with its language, direction and switcher,
and a signed-in user's choice remembered on the account."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from assessments.services.lifecycle import assessment_submit

LANGUAGES = [code for code, _name in settings.LANGUAGES]
HTML_TAG = re.compile(r"<html\b[^>]*>")


def assessment_pages(assessment):
    return {
        "assessment-overview": assessment.get_absolute_url(),
        "report-answers": reverse("assessments:report_answers", args=[assessment.pk, 2013]),
        "submission": reverse("assessments:submission_detail", args=[assessment.pk, 1]),
    }


PUBLIC_PAGES = {
    "home": ("home",),
    "report-list": ("catalogue:report_list",),
    "report": ("catalogue:report_detail", 2013),
    "recommendation-list": ("catalogue:recommendation_list",),
    "sign-in": ("accounts:login",),
}


@pytest.fixture
def submitted(norway_assessment, focal_point_norway, task_queue):
    """Norway's assessment submitted (its PDF queued, not rendered)."""
    assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)
    return norway_assessment


def assert_in_language(response, language, msgid):
    """The page names its language and direction, offers the switcher with that language
    chosen, and shows `msgid` as the compiled catalogue translates it."""
    assert response.status_code == 200
    html = response.content.decode()
    direction = "rtl" if language == "ar" else "ltr"
    assert HTML_TAG.search(html).group() == f'<html lang="{language}" dir="{direction}">'
    assert f'action="{reverse("set_language")}"' in html
    assert f'<option value="{language}" lang="{language}" selected>' in html
    with translation.override(language):
        expected = gettext(msgid)
    assert escape(expected) in html
    # English is the source; every other language has its catalogue in locale/.
    if language != "en":
        assert expected != msgid, f"{msgid!r} is not translated into {language}"


def get(client, url, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(url)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_public_pages_in_each_language(client, catalogue, language, page):
    name, *args = PUBLIC_PAGES[page]
    response = get(client, reverse(name, args=args), language)
    assert_in_language(response, language, "Skip to main content")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_browsers_language_is_used_without_a_cookie(client, catalogue, language):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE=f"{language},en;q=0.5")
    assert_in_language(response, language, "Skip to main content")


@pytest.mark.parametrize("language", LANGUAGES)
def test_delegation_pages_in_each_language(client, submitted, focal_point_norway, language):
    client.force_login(focal_point_norway)
    urls = {**assessment_pages(submitted), "delegation": reverse("delegations:delegation")}
    for url in urls.values():
        assert_in_language(get(client, url, language), language, "Skip to main content")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_review_desk_in_each_language(client, submitted, secretariat, language):
    client.force_login(secretariat)
    for url in [
        reverse("admin:index"),
        reverse("admin:assessments_assessment_change", args=[submitted.pk]),
    ]:
        assert_in_language(
            get(client, url, language), language, "R2P implementation self-assessment"
        )


def test_switching_language_signed_in_is_remembered_and_used_at_the_next_sign_in(
    client, catalogue, editor_norway
):
    client.force_login(editor_norway)
    response = client.post(
        reverse("set_language"), {"language": "ar", "next": reverse("catalogue:report_list")}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("catalogue:report_list")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"
    editor_norway.refresh_from_db()
    assert editor_norway.language == "ar"

    # Later, from another browser that asks for English: the account's choice wins.
    client.logout()
    client.cookies.clear()
    response = client.post(
        reverse("accounts:login"),
        {"username": "erik", "password": "pw-erik"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    assert_in_language(response, "ar", "Skip to main content")


def test_the_account_language_wins_over_the_cookie(client, catalogue, focal_point_norway):
    focal_point_norway.language = "ru"
    focal_point_norway.save()
    client.force_login(focal_point_norway)
    assert_in_language(get(client, reverse("home"), "es"), "ru", "Skip to main content")


def test_an_anonymous_switch_sets_the_cookie_only(client, catalogue, django_user_model):
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    assert_in_language(client.get("/"), "zh-hans", "Skip to main content")
    assert not django_user_model.objects.exclude(language="").exists()


@pytest.mark.parametrize("choice", ["de", "", "en-gb'><script>"])
def test_a_language_not_offered_changes_nothing(client, catalogue, focal_point_norway, choice):
    focal_point_norway.language = "fr"
    focal_point_norway.save()
    client.force_login(focal_point_norway)
    response = client.post(reverse("set_language"), {"language": choice, "next": "/"})
    assert response.status_code == 302
    focal_point_norway.refresh_from_db()
    assert focal_point_norway.language == "fr"
    assert_in_language(client.get("/"), "fr", "Skip to main content")


def test_switching_needs_a_post_with_the_csrf_token(catalogue, focal_point_norway):
    client = Client(enforce_csrf_checks=True)
    client.force_login(focal_point_norway)
    assert client.get(reverse("set_language")).status_code == 405
    assert client.post(reverse("set_language"), {"language": "ar"}).status_code == 403
    focal_point_norway.refresh_from_db()
    assert focal_point_norway.language == ""


def test_a_switch_never_leads_off_the_site(client, catalogue):
    response = client.post(
        reverse("set_language"), {"language": "fr", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
