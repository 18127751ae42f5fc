"""Sign-in throttling: failures count per username and network address together."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from r2p_site.throttle import client_ip

from .conftest import sign_in

MISSION = "192.0.2.10"
ELSEWHERE = "198.51.100.7"


def fail_five_times(client, username, *, ip=MISSION, url="accounts:login"):
    for attempt in range(1, 6):
        response = sign_in(client, username, "wrong password", ip=ip, url=url)
        # The form again with its error, and the pause page at the fifth failure.
        assert response.status_code == (429 if attempt == 5 else 200)


def test_five_wrong_passwords_pause_that_username_from_that_address(client, focal_point_norway):
    fail_five_times(client, "nora")
    response = sign_in(client, "nora", "pw-nora")
    assert response.status_code == 429
    assert "Sign-in paused" in response.content.decode()
    assert "Try again after" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_same_username_from_another_address_still_signs_in(client, focal_point_norway):
    fail_five_times(client, "nora")
    response = sign_in(client, "nora", "pw-nora", ip=ELSEWHERE)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(focal_point_norway.pk)


def test_a_colleague_on_the_same_network_still_signs_in(client, focal_point_norway, editor_norway):
    fail_five_times(client, "nora")
    response = sign_in(client, "erik", "pw-erik")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(editor_norway.pk)


def test_four_failures_do_not_pause_sign_in(client, focal_point_norway):
    for _ in range(4):
        sign_in(client, "nora", "wrong password")
    assert sign_in(client, "nora", "pw-nora").status_code == 302


def test_the_pause_ends_after_the_cool_off(client, focal_point_norway):
    fail_five_times(client, "nora")
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    assert sign_in(client, "nora", "pw-nora").status_code == 302


def test_the_admin_login_is_throttled_too(client, secretariat):
    fail_five_times(client, "sam", url="admin:login")
    response = sign_in(client, "sam", "pw-sam", url="admin:login")
    assert response.status_code == 429
    assert "Sign-in paused" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_at_the_admin_login_pause_the_site_login_as_well(client, secretariat):
    fail_five_times(client, "sam", url="admin:login")
    assert sign_in(client, "sam", "pw-sam").status_code == 429


def test_a_forged_forwarded_for_header_does_not_dodge_the_pause(client, focal_point_norway):
    for attempt in range(5):
        sign_in(client, "nora", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}")
    response = sign_in(client, "nora", "pw-nora", HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert response.status_code == 429


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, "203.0.113.5", "10.0.0.1"),  # no proxy declared: the header is ignored
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # the client wrote the left part
        (2, "6.6.6.6, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (2, "", "10.0.0.1"),  # fewer addresses than proxies: not through the proxies
    ],
)
def test_the_client_address_trusts_only_the_declared_proxies(
    settings, proxies, forwarded_for, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded_for)
    assert client_ip(request) == expected


def test_the_pause_page_names_the_cool_off(client, focal_point_norway):
    fail_five_times(client, "nora")
    html = sign_in(client, "nora", "pw-nora").content.decode()
    assert "15 minutes" in html
    assert reverse("accounts:password_reset") in html
