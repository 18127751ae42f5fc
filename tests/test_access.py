"""Login is the default; only what is meant to be public answers without it."""

import pytest
from django.urls import reverse

PUBLIC_URLS = [
    ("home", {}),
    ("healthz", {}),
    ("catalogue:report_list", {}),
    ("catalogue:recommendation_list", {}),
    ("accounts:login", {}),
]
PRIVATE_URLS = [
    ("accounts:password_change", {}),
    ("accounts:password_change_done", {}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kwargs"), PUBLIC_URLS)
def test_public_pages_answer_without_login(client, name, kwargs):
    assert client.get(reverse(name, kwargs=kwargs)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kwargs"), PRIVATE_URLS)
def test_private_pages_send_anonymous_visitors_to_login(client, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={url}"


@pytest.mark.django_db
def test_admin_sends_anonymous_visitors_to_its_login(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "login" in response.url


@pytest.mark.django_db
def test_a_delegate_signs_in_and_out(client, focal_point_norway):
    response = client.post(
        reverse("accounts:login"), {"username": "nora", "password": "pw-nora"}, follow=True
    )
    assert response.context["user"] == focal_point_norway
    response = client.post(reverse("accounts:logout"), follow=True)
    assert not response.context["user"].is_authenticated


@pytest.mark.django_db
def test_a_wrong_password_is_refused_with_a_message(client, focal_point_norway):
    response = client.post(reverse("accounts:login"), {"username": "nora", "password": "nope"})
    assert response.status_code == 200
    assert not response.context["user"].is_authenticated
    assert "correct username and password" in response.content.decode()


@pytest.mark.django_db
def test_logout_by_get_is_not_allowed(client, focal_point_norway):
    client.force_login(focal_point_norway)
    assert client.get(reverse("accounts:logout")).status_code == 405


@pytest.mark.django_db
def test_delegates_cannot_reach_the_admin(client, focal_point_norway):
    client.force_login(focal_point_norway)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "login" in response.url


@pytest.mark.django_db
def test_navigation_shows_the_secretariat_desk_only_to_secretariat(
    client, focal_point_norway, secretariat
):
    admin_url = reverse("admin:index")
    client.force_login(focal_point_norway)
    assert admin_url not in client.get(reverse("home")).content.decode()
    client.force_login(secretariat)
    assert admin_url in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "lands_on"),
    [
        ("secretariat", "admin:index"),
        ("focal_point_norway", "assessments:home"),
        ("editor_norway", "assessments:home"),
    ],
)
def test_signing_in_lands_each_role_on_its_own_start_page(client, request, persona, lands_on):
    from django.conf import settings
    from django.shortcuts import resolve_url

    client.force_login(request.getfixturevalue(persona))
    result = client.get(resolve_url(settings.LOGIN_REDIRECT_URL))
    assert result.status_code == 302
    assert result.url == reverse(lands_on)
