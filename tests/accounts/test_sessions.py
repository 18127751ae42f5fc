"""Sessions end after inactivity or a maximum duration; the page can keep one alive."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from accounts.middleware import LAST_ACTIVITY, SIGNED_IN_AT

PAGE = reverse("accounts:password_change")
KEEP_ALIVE = reverse("accounts:keep_alive")


@pytest.fixture
def nora_client(client, focal_point_norway):
    client.force_login(focal_point_norway)
    client.get(PAGE)  # the first request records the start of the session
    return client


def set_session(client, **values):
    session = client.session
    for key, value in values.items():
        session[key] = value
    session.save()


def test_an_idle_session_is_signed_out_after_thirty_minutes(nora_client, now):
    set_session(nora_client, **{LAST_ACTIVITY: now - 30 * 60 - 1})
    response = nora_client.get(PAGE)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in nora_client.session
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["You were signed out after a period of inactivity. Sign in again."]


def test_a_session_active_within_the_limit_stays_signed_in(nora_client, now):
    set_session(nora_client, **{LAST_ACTIVITY: now - 29 * 60})
    assert nora_client.get(PAGE).status_code == 200
    assert nora_client.session[LAST_ACTIVITY] >= now


def test_the_idle_limit_comes_from_the_settings(nora_client, settings, now):
    settings.SESSION_IDLE_TIMEOUT = 5 * 60
    set_session(nora_client, **{LAST_ACTIVITY: now - 6 * 60})
    assert nora_client.get(PAGE).status_code == 302


def test_the_activity_time_is_written_at_most_once_a_minute(
    nora_client, now, django_assert_max_num_queries
):
    set_session(nora_client, **{LAST_ACTIVITY: now - 30})
    with django_assert_max_num_queries(10) as queries:
        assert nora_client.get(PAGE).status_code == 200
    assert not [
        q for q in queries.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]
    ]
    assert nora_client.session[LAST_ACTIVITY] == now - 30

    set_session(nora_client, **{LAST_ACTIVITY: now - 61})
    nora_client.get(PAGE)
    assert nora_client.session[LAST_ACTIVITY] >= now


def test_a_session_ends_after_its_maximum_duration_however_active(nora_client, settings, now):
    set_session(nora_client, **{SIGNED_IN_AT: now - settings.SESSION_COOKIE_AGE - 1})
    response = nora_client.get(PAGE)
    assert response.status_code == 302
    assert "_auth_user_id" not in nora_client.session


def test_a_background_request_of_an_ended_session_gets_401_not_the_login_page(nora_client, now):
    set_session(nora_client, **{LAST_ACTIVITY: now - 31 * 60})
    # An autosave swallowed by a login redirect would look saved; 401 says it is not.
    response = nora_client.post(PAGE, {}, headers={"HX-Request": "true"})
    assert response.status_code == 401


def test_stay_signed_in_restarts_the_idle_clock(nora_client, now):
    set_session(nora_client, **{LAST_ACTIVITY: now - 26 * 60})
    response = nora_client.post(KEEP_ALIVE)
    assert response.status_code == 204
    assert nora_client.session[LAST_ACTIVITY] >= now


def test_stay_signed_in_needs_a_signed_in_session(client, db):
    assert (
        client.post(KEEP_ALIVE, headers={"X-Requested-With": "XMLHttpRequest"}).status_code == 401
    )
    response = client.post(KEEP_ALIVE)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_stay_signed_in_is_a_post_with_the_csrf_token(editor_norway):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor_norway)
    assert client.get(KEEP_ALIVE).status_code == 405
    assert client.post(KEEP_ALIVE).status_code == 403

    page = client.get(reverse("home"))
    token = page.context["csrf_token"]
    assert client.post(KEEP_ALIVE, headers={"X-CSRFToken": str(token)}).status_code == 204


def test_signed_in_pages_carry_the_session_warning(client, focal_point_norway):
    assert 'id="session-warning"' not in client.get(reverse("home")).content.decode()
    client.force_login(focal_point_norway)
    html = client.get(reverse("home")).content.decode()
    assert 'id="session-warning"' in html
    assert 'role="alertdialog"' in html
    assert 'data-idle-seconds="1800"' in html
    assert "js/session.js" in html
    assert "<script>" not in html  # no inline scripts: the CSP allows files only
