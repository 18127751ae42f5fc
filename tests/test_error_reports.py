"""Errors go to Sentry only when SENTRY_DSN is set, and without what a State typed."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from r2p_site.error_reports import _with_request_id
from r2p_site.request_id import RequestIdMiddleware

REPO = Path(__file__).resolve().parents[1]
# Nothing is sent: no error happens in the process, and this address is a closed local port.
DSN = "http://public@127.0.0.1:9/1"

SCRIPT = """
import json
import django
django.setup()
import sentry_sdk
client = sentry_sdk.get_client()
options = client.options
print(json.dumps({
    "active": client.is_active(),
    "personal_data": client.should_send_default_pii(),
    "traces_sample_rate": options.get("traces_sample_rate"),
    "environment": options.get("environment"),
    "release": options.get("release"),
    "request_bodies": options.get("max_request_body_size"),
    "local_variables": options.get("include_local_variables"),
    "django": "django" in {type(one).identifier for one in client.integrations.values()},
}))
"""


def sentry_client(**env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SENTRY_", "DATABASE_URL"))
    }
    return subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=REPO,
        env={**environment, "DJANGO_SETTINGS_MODULE": "r2p_site.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def reported(**env: str) -> dict:
    result = sentry_client(**env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_without_a_dsn_nothing_is_reported():
    assert reported()["active"] is False


def test_with_a_dsn_errors_are_reported_without_personal_data_bodies_or_variables():
    client = reported(SENTRY_DSN=DSN, SENTRY_RELEASE="r2p@1f0c2a9")
    assert client == {
        "active": True,
        "personal_data": False,
        "traces_sample_rate": None,
        "environment": "development",
        "release": "r2p@1f0c2a9",
        "request_bodies": "never",
        "local_variables": False,
        "django": True,
    }


def test_the_environment_and_the_tracing_rate_come_from_the_environment():
    client = reported(
        SENTRY_DSN=DSN, SENTRY_ENVIRONMENT="staging", SENTRY_TRACES_SAMPLE_RATE="0.25"
    )
    assert (client["environment"], client["traces_sample_rate"]) == ("staging", 0.25)


@pytest.mark.parametrize("rate", ["1.5", "-0.1", "some", "nan"])
def test_a_tracing_rate_outside_0_to_1_refuses_to_start(rate):
    result = sentry_client(SENTRY_DSN=DSN, SENTRY_TRACES_SAMPLE_RATE=rate)
    assert result.returncode != 0
    assert f"SENTRY_TRACES_SAMPLE_RATE must be a number from 0 to 1, not '{rate}'" in result.stderr


@pytest.mark.django_db  # closing the response closes old database connections
def test_a_report_sent_during_a_request_is_tagged_with_its_id():
    events = []

    def view(request):
        events.append(_with_request_id({"tags": {"kind": "test"}}, {}))
        return HttpResponse()

    request = RequestFactory().get("/", HTTP_X_REQUEST_ID="abcdef12-3456")
    RequestIdMiddleware(view)(request).close()
    assert events == [{"tags": {"kind": "test", "request_id": "abcdef12-3456"}}]
    assert _with_request_id({}, {}) == {}
