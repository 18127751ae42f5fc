"""The settings module: a local run needs nothing, production refuses unsafe values."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
STRONG_KEY = secrets.token_urlsafe(60)
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": STRONG_KEY,
    "ALLOWED_HOSTS": "r2p.example.org",
    "DATABASE_URL": "postgres://r2p@localhost:5432/r2p",
    "SITE_URL": "https://r2p.example.org",
}
OUR_VARIABLES = {
    "SECRETARIAT_EMAIL",
    "SITE_URL",
    "DJANGO_ENV",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "S3_BUCKET",
    "S3_ACCESS_KEY_ID",
    "S3_SECRET_ACCESS_KEY",
    "S3_ENDPOINT_URL",
    "S3_REGION",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if key not in OUR_VARIABLES}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_with_no_variables_the_site_runs_in_development_on_sqlite():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; "
        "print(settings.DEBUG, settings.DATABASES['default']['ENGINE'])",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["True", "django.db.backends.sqlite3"]


def test_database_url_switches_to_postgresql():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])",
        DATABASE_URL="postgres://u:p@db.example:5432/r2p",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "django.db.backends.postgresql"


def test_production_settings_pass_the_deploy_check_without_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY must be set"),
        (
            {"SECRET_KEY": "django-insecure-development-only-never-use-in-production"},
            "SECRET_KEY must be set",
        ),
        ({"SECRET_KEY": "short-key"}, "SECRET_KEY is too weak"),
        ({"DEBUG": "yes"}, "DEBUG must be off"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must list"),
        ({"ALLOWED_HOSTS": "*"}, "must not contain '*'"),
        ({"DATABASE_URL": ""}, "DATABASE_URL must name"),
        ({"DEBUG": "maybe"}, "DEBUG must be yes or no"),
    ],
)
def test_production_refuses_to_start_with_unsafe_settings(override, message):
    env = {**PRODUCTION_ENV, **override}
    env = {key: value for key, value in env.items() if value != ""}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_an_unknown_environment_name_is_refused():
    result = manage("check", DJANGO_ENV="prod")
    assert result.returncode != 0
    assert "DJANGO_ENV must be" in result.stderr


@pytest.mark.parametrize(
    ("env", "expected"),
    [({}, "r2p-secretariat@example.org"), (PRODUCTION_ENV, "none")],
    ids=["development", "production"],
)
def test_only_development_has_a_secretariat_copy_address_by_default(env, expected):
    """A local walk shows the secretariat's copy of a notice on the console; production
    sends copies only where the operator said."""
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SECRETARIAT_EMAIL or 'none')",
        **env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == expected


def test_production_has_no_demo_command():
    """The demo (accounts with a known password, a practice cycle) is a development tool:
    production does not install it (and the command refuses if it were installed,
    tests/devtools/test_production_refusal.py)."""
    result = manage("load_demo", **PRODUCTION_ENV)
    assert result.returncode != 0
    assert "Unknown command: 'load_demo'" in result.stderr


def test_production_does_not_install_the_development_tools():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print('devtools' in settings.INSTALLED_APPS)",
        **PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "False"


def test_production_lists_no_benchmark_command_where_development_does():
    development = manage("help")
    production = manage("help", **PRODUCTION_ENV)

    assert development.returncode == 0, development.stderr
    assert production.returncode == 0, production.stderr
    assert "[devtools]" in development.stdout
    assert "benchmark_pages" in development.stdout
    assert "benchmark" not in production.stdout
    assert "[devtools]" not in production.stdout


S3_ENV = {
    "S3_BUCKET": "r2p-files",
    "S3_ACCESS_KEY_ID": "access",
    "S3_SECRET_ACCESS_KEY": "secret",
    "S3_ENDPOINT_URL": "https://objects.example.org",
}
PRINT_STORAGE = (
    "from django.core.files.storage import storages; s = storages['default']; "
    "print(type(s).__name__, s.bucket_name, s.default_acl, s.file_overwrite)"
)


def test_files_are_stored_in_media_root_unless_s3_is_configured():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.STORAGES['default']['BACKEND'])",
        **PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "django.core.files.storage.FileSystemStorage"


def test_s3_settings_put_files_in_a_private_bucket():
    result = manage("shell", "-c", PRINT_STORAGE, **PRODUCTION_ENV, **S3_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-4:] == ["S3Storage", "r2p-files", "None", "False"]


@pytest.mark.parametrize("left_out", ["S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"])
def test_half_configured_s3_refuses_to_start(left_out):
    env = {key: value for key, value in S3_ENV.items() if key != left_out}
    result = manage("check", **PRODUCTION_ENV, **env)
    assert result.returncode != 0
    assert "S3 storage is half-configured" in result.stderr
    assert left_out in result.stderr


def test_each_log_line_is_written_once(tmp_path):
    """Django's own console handler and the site's root one once printed each twice."""
    code = (
        "import django; django.setup(); from django.test import Client; "
        "Client(HTTP_HOST='localhost').get('/nowhere-at-all/')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={
            **{key: value for key, value in os.environ.items() if key not in OUR_VARIABLES},
            "DJANGO_SETTINGS_MODULE": "r2p_site.settings",
            # A page that is not found reads no table; an empty database will do.
            "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        },
        check=True,
    )
    assert result.stderr.count("Not Found: /nowhere-at-all/") == 1, result.stderr


def test_env_example_names_every_variable_the_settings_read():
    """`.env.example` is how a deployment learns what it may set: one it leaves out is a
    setting nobody knows about."""
    settings_source = (REPO / "r2p_site" / "settings.py").read_text()
    read = set(
        re.findall(r'(?:os\.environ\.get|env[a-z_]*)\(\s*"([A-Z][A-Z0-9_]+)"', settings_source)
    )
    s3 = re.search(r"S3_SETTINGS = \{(.*?)\}", settings_source, re.S).group(1)
    read |= set(re.findall(r'"([A-Z][A-Z0-9_]+)"', s3))
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", (REPO / ".env.example").read_text(), re.M))
    assert len(read) > 30  # the patterns still find what settings.py reads
    assert read - listed == set()
