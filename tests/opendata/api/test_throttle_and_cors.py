"""The API's throttle per client address, CORS for GET on the public API only, and no
cookie, session or credential anywhere in it."""

from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from opendata.api.throttling import count_request
from opendata.models import ApiRateWindow

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mid_window():
    """The windows are fixed: a test that crossed a minute's end would count anew."""
    with mock.patch("opendata.api.throttling.time.time", return_value=1_800_000_030.0):
        yield


def test_past_the_rate_a_client_gets_429_with_retry_after(anonymous, translated, settings):
    settings.API_ANON_RATE = "3/min"
    for _ in range(3):
        assert anonymous.get("/api/v1/reports/").status_code == 200
    refused = anonymous.get("/api/v1/reports/")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["detail"]
    # A 304 counts too: the throttle runs before the version is read.
    etag = Client(REMOTE_ADDR="10.0.0.9").get("/api/v1/reports/")["ETag"]
    assert anonymous.get("/api/v1/reports/", headers={"If-None-Match": etag}).status_code == 429


def test_each_address_has_its_own_count(translated, settings):
    settings.API_ANON_RATE = "2/min"
    first, second = Client(REMOTE_ADDR="192.0.2.1"), Client(REMOTE_ADDR="192.0.2.2")
    for _ in range(2):
        assert first.get("/api/v1/themes/").status_code == 200
    assert first.get("/api/v1/themes/").status_code == 429
    assert second.get("/api/v1/themes/").status_code == 200


def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(translated, settings):
    settings.API_ANON_RATE = "1/min"
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    assert proxy.get("/api/v1/", headers={"X-Forwarded-For": "198.51.100.1"}).status_code == 200
    assert proxy.get("/api/v1/", headers={"X-Forwarded-For": "198.51.100.2"}).status_code == 200
    assert proxy.get("/api/v1/", headers={"X-Forwarded-For": "198.51.100.1"}).status_code == 429


def test_a_request_is_counted_by_one_statement_and_a_new_window_starts_again(db):
    with CaptureQueriesContext(connection) as captured:
        assert count_request("test:one", period=60)[0] == 1
    assert len(captured) == 1
    assert count_request("test:one", period=60)[0] == 2
    ApiRateWindow.objects.filter(key="test:one").update(window=0)  # an ended window
    assert count_request("test:one", period=60)[0] == 1


def test_scripts_on_other_sites_may_get_the_public_api_without_credentials(anonymous, translated):
    response = anonymous.get("/api/v1/recommendations/", headers={"Origin": "https://example.org"})
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert "ETag" in response["Access-Control-Expose-Headers"]


def test_a_preflight_allows_get_and_revalidation_only(anonymous, translated):
    response = anonymous.options(
        "/api/v1/recommendations/",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert response.status_code == 200
    assert set(response["Access-Control-Allow-Methods"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert "if-none-match" in response["Access-Control-Allow-Headers"]
    assert "authorization" not in response["Access-Control-Allow-Headers"]


@pytest.mark.parametrize(
    "url", ["/catalogue/", "/api/v1/secretariat/submissions/", "/accounts/login/"]
)
def test_no_cors_outside_the_public_api(anonymous, translated, url):
    response = anonymous.get(url, headers={"Origin": "https://example.org"})
    assert "Access-Control-Allow-Origin" not in response


def test_the_public_api_writes_nothing_but_its_count_and_reads_no_session(
    anonymous, translated, django_user_model
):
    """A script's request, with no cookie: no session is read or made, no cookie set,
    and the one write is the throttle's count."""
    with CaptureQueriesContext(connection) as captured:
        response = anonymous.get("/api/v1/recommendations/")
    assert response.status_code == 200
    assert not response.cookies
    statements = [query["sql"] for query in captured.captured_queries]
    assert not any("django_session" in sql for sql in statements)
    writes = [sql for sql in statements if sql.lstrip().upper().startswith(("INSERT", "UPDATE"))]
    assert len(writes) == 1 and "opendata_apiratewindow" in writes[0]


def test_a_post_is_refused_without_a_csrf_or_session_question(anonymous, translated):
    response = anonymous.post("/api/v1/recommendations/", {"code": "2099-MS-01"})
    assert response.status_code == 405
