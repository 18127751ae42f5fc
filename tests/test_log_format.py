"""Production logs one JSON object per line on stderr; development keeps plain lines."""

import json
import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path

from r2p_site.log_format import JsonFormatter

REPO = Path(__file__).resolve().parents[1]

# A 404 and a 400 (a NUL in the query, refused by a middleware), then a line outside any
# request with a traceback. Neither request reads a table: an empty database will do.
# Static files from the finders: production's manifest exists after collectstatic only.
SCRIPT = """
import logging
import django
django.setup()
from django.conf import settings
from django.test import Client, override_settings
static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
with override_settings(STORAGES={**settings.STORAGES, "staticfiles": static}):
    client = Client(HTTP_HOST="r2p.example.org", HTTP_X_REQUEST_ID="abcdef12-3456")
    client.get("/nowhere-at-all/", secure=True)
    client.get("/?q=%00", secure=True, HTTP_X_REQUEST_ID="abcdef12-7890")
try:
    {}["missing"]
except KeyError:
    logging.getLogger("r2p.test").exception("Outside a request,\\nacross two lines: é")
"""


def run_site(tmp_path, **env: str) -> str:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECRET_KEY", "DATABASE_URL", "SENTRY_"))
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=REPO,
        env={
            **environment,
            "DJANGO_SETTINGS_MODULE": "r2p_site.settings",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
            # WhiteNoise warns, outside logging, of a missing STATIC_ROOT.
            "STATIC_ROOT": str(tmp_path),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stderr


def test_production_writes_one_json_object_per_line_with_the_request_id(tmp_path):
    stderr = run_site(
        tmp_path,
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="r2p.example.org",
        SITE_URL="https://r2p.example.org",
    )
    lines = [json.loads(line) for line in stderr.splitlines()]
    by_message = {line["message"]: line for line in lines}
    not_found = by_message["Not Found: /nowhere-at-all/"]
    assert set(not_found) == {"time", "level", "logger", "message", "request_id"}
    assert (not_found["level"], not_found["logger"]) == ("WARNING", "django.request")
    assert not_found["request_id"] == "abcdef12-3456"
    assert not_found["time"].endswith("+00:00")
    assert by_message["Bad Request: /"]["request_id"] == "abcdef12-7890"
    outside = by_message["Outside a request,\nacross two lines: é"]
    assert outside["request_id"] is None
    assert outside["level"] == "ERROR"
    assert outside["exception"].startswith("Traceback (most recent call last):")
    assert outside["exception"].endswith("KeyError: 'missing'")


def test_development_keeps_plain_lines(tmp_path):
    stderr = run_site(tmp_path, ALLOWED_HOSTS="r2p.example.org")
    assert "Not Found: /nowhere-at-all/\n" in stderr
    assert "Outside a request,\nacross two lines: é\nTraceback" in stderr
    assert not stderr.startswith("{")


def test_a_record_is_one_ascii_line_whatever_it_holds():
    record = logging.LogRecord(
        "r2p.test", logging.INFO, __file__, 1, "line one\nline two: %s", ("مرحبا",), None
    )
    record.request_id = "abcdef12-3456"
    text = JsonFormatter().format(record)
    assert "\n" not in text
    assert text.isascii()
    assert json.loads(text)["message"] == "line one\nline two: مرحبا"
    assert json.loads(text)["request_id"] == "abcdef12-3456"
