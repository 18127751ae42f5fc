"""docker-compose.yml and the Dockerfile, checked by reading them (no Docker engine here)."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]


def compose():
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def test_compose_has_a_database_a_web_service_a_proxy_a_worker_and_the_scheduled_jobs():
    assert set(compose()["services"]) == {"db", "web", "nginx", "worker", "jobs"}


def test_the_scheduled_jobs_run_from_the_same_image_every_few_minutes():
    services = compose()["services"]
    jobs = services["jobs"]
    assert jobs["build"] == services["web"]["build"]
    assert jobs["environment"] == services["web"]["environment"]
    script_path = REPO / jobs["entrypoint"][0].removeprefix("/app/")
    assert script_path.stat().st_mode & 0o111, "the script must be executable"
    script = script_path.read_text()
    # One command runs the jobs (operations/scheduled_jobs.py) and records each run.
    assert "python manage.py run_scheduled_jobs ||" in script
    assert 'sleep "${JOBS_INTERVAL:-300}"' in script


def test_every_command_the_scheduled_jobs_run_exists():
    from django.core.management import get_commands

    from operations.scheduled_jobs import JOB_NAMES

    script = (REPO / "docker" / "jobs.sh").read_text()
    assert set(re.findall(r"manage\.py (\w+)", script)) <= set(get_commands())
    assert set(JOB_NAMES) <= set(get_commands())


def test_the_worker_runs_the_task_queue_from_the_same_image_and_files_as_the_web_service():
    services = compose()["services"]
    worker, web = services["worker"], services["web"]
    assert worker["build"] == web["build"] == "."
    assert worker["environment"] == web["environment"]
    assert worker["entrypoint"][-1] == "manage.py"
    assert worker["command"][0] == "db_worker"
    assert worker["depends_on"]["db"] == {"condition": "service_healthy"}
    assert worker["volumes"] == web["volumes"]


def test_database_is_postgresql_15_with_a_pg_isready_healthcheck():
    db = compose()["services"]["db"]
    assert db["image"].startswith("postgres:15")
    test = db["healthcheck"]["test"]
    assert test[0] == "CMD-SHELL"
    assert "pg_isready" in test[1]
    assert db["healthcheck"]["retries"] >= 1


def test_web_waits_for_a_healthy_database():
    web = compose()["services"]["web"]
    assert web["depends_on"] == {"db": {"condition": "service_healthy"}}


def test_web_runs_in_production_mode_against_the_database_service():
    web = compose()["services"]["web"]
    assert web["environment"]["DJANGO_ENV"] == "production"
    assert "@db:5432/" in web["environment"]["DATABASE_URL"]
    assert web["build"] == "."


def test_data_lives_in_named_volumes():
    data = compose()
    assert set(data["volumes"]) == {"postgres-data", "media"}
    assert "postgres-data:/var/lib/postgresql/data" in data["services"]["db"]["volumes"]
    assert "media:/app/media" in data["services"]["web"]["volumes"]


def test_no_secret_is_written_in_the_compose_file():
    text = (REPO / "docker-compose.yml").read_text()
    assert "SECRET_KEY:" not in text
    assert "SECRET_KEY=" not in text
    assert "${POSTGRES_PASSWORD:?" in text


def test_image_runs_gunicorn_as_a_non_root_user_with_weasyprint_libraries():
    dockerfile = (REPO / "Dockerfile").read_text()
    assert "libpango-1.0-0" in dockerfile
    # The report's fonts come with the project (static/fonts, requirements.txt), as on a
    # machine set up without Docker, never from the image's system fonts.
    assert "fonts-noto" not in dockerfile
    assert "noto-cjk-sans-otc==" in (REPO / "requirements.txt").read_text()
    user_lines = [line for line in dockerfile.splitlines() if line.startswith("USER ")]
    assert user_lines and user_lines[-1] != "USER root"
    assert "gunicorn" in dockerfile


def test_entrypoint_migrates_and_collects_static_before_starting():
    entrypoint = (REPO / "docker" / "entrypoint.sh").read_text()
    assert entrypoint.index("migrate") < entrypoint.index('exec "$@"')
    assert entrypoint.index("collectstatic") < entrypoint.index('exec "$@"')


def test_the_image_compiles_the_translation_catalogues():
    dockerfile = (REPO / "Dockerfile").read_text()
    assert "msgfmt --check" in dockerfile
    assert "COPY --from=messages --chown=r2p:r2p /src/locale /app/locale" in dockerfile


# The proxy: nginx, in front of gunicorn, the only published port


def nginx_directives(tokens: list[str] | None = None) -> list[tuple[str, list[str], list | None]]:
    """docker/nginx.conf as (name, arguments, block or None), enough of nginx's syntax
    for this file: words, quoted strings, `;`, blocks and comments."""
    if tokens is None:
        text = (REPO / "docker" / "nginx.conf").read_text()
        tokens = [
            token
            for token in re.findall(r"'[^']*'|\"[^\"]*\"|#[^\n]*|[{};]|[^\s{};'\"#]+", text)
            if not token.startswith("#")
        ]
    directives, words = [], []
    while tokens:
        token = tokens.pop(0)
        if token == ";":
            directives.append((words[0], words[1:], None))
            words = []
        elif token == "{":
            directives.append((words[0], words[1:], nginx_directives(tokens)))
            words = []
        elif token == "}":
            break
        else:
            words.append(token.strip("'\""))
    return directives


def named(directives, name: str) -> list:
    return [(args, block) for directive, args, block in directives if directive == name]


def proxied_locations() -> list[list]:
    """The location blocks that pass requests to gunicorn, with the server of each."""
    found = []
    for _args, server in named(nginx_directives(), "server"):
        for _where, location in named(server, "location"):
            if named(location, "proxy_pass"):
                found.append((server, location))
    return found


def production_settings(*names: str) -> dict:
    """Settings as production reads them (some exist only there), from a fresh process."""
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name, None) for name in {names!r}}}))"
    )
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECRET_KEY", "DATABASE_URL", "SENTRY_"))
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={
            **environment,
            "DJANGO_SETTINGS_MODULE": "r2p_site.settings",
            "DJANGO_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "r2p.example.org",
            "DATABASE_URL": "postgres://r2p@localhost:5432/r2p",
            "SITE_URL": "https://r2p.example.org",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def test_only_the_proxy_publishes_a_port():
    """Three slow clients talking to gunicorn's sync workers directly hold them all."""
    services = compose()["services"]
    publishing = {name for name, service in services.items() if service.get("ports")}
    assert publishing == {"nginx"}
    assert services["nginx"]["ports"] == ["80:80", "443:443"]
    assert services["web"]["expose"] == ["8000"]
    upstream = named(nginx_directives(), "upstream")
    assert [args for args, _block in named(upstream[0][1], "server")] == [["web:8000"]]


def test_the_proxy_runs_the_sites_configuration_with_the_tls_files_of_tls_dir():
    nginx = compose()["services"]["nginx"]
    image, version = nginx["image"].split(":")
    # `http2 on;` is nginx 1.25.1's syntax.
    assert image == "nginx"
    assert tuple(int(part) for part in version.split("-")[0].split(".")) >= (1, 25)
    source, target, mode = nginx["volumes"][0].split(":")
    assert (REPO / source).is_file()
    assert (target, mode) == ("/etc/nginx/conf.d/default.conf", "ro")
    tls = nginx["volumes"][1]
    assert tls.startswith("${TLS_DIR:?") and tls.endswith("}:/etc/nginx/tls:ro")
    certificates = [
        args[0]
        for args, _block in named(nginx_directives(), "server")
        for directive, args, _inner in _block
        if directive in ("ssl_certificate", "ssl_certificate_key")
    ]
    assert certificates == ["/etc/nginx/tls/fullchain.pem", "/etc/nginx/tls/privkey.pem"]
    assert nginx["depends_on"]["web"]["condition"] == "service_healthy"
    # Neither the TLS key nor anything else of TLS_DIR's default goes into the image.
    assert "tls" in (REPO / ".dockerignore").read_text().split()


def test_the_proxy_buffers_requests_and_allows_the_largest_body_the_site_accepts(settings):
    (server, location), *others = proxied_locations()
    assert not others
    assert named(location, "proxy_request_buffering") == [(["on"], None)]
    assert named(location, "proxy_buffering") == [(["on"], None)]
    assert named(server, "client_body_buffer_size")
    (size,), _block = named(server, "client_max_body_size")[0]
    assert size.endswith("m")
    allowed = int(size[:-1]) * 1024 * 1024
    largest = max(
        settings.REQUEST_MAX_BYTES,
        settings.ATTACHMENT_REQUEST_MAX_BYTES,
        settings.VERIFY_MAX_BYTES,
        settings.WORKBOOK_REQUEST_MAX_BYTES,
    )
    # Above it, so that the site answers a near miss with its own 413 page naming the
    # limit; not far above, so that nginx still refuses what no view accepts.
    assert largest <= allowed <= largest + 2 * 1024 * 1024


def test_the_proxy_passes_its_request_id_and_logs_it():
    from r2p_site.request_id import HEADER, SANE_ID

    directives = nginx_directives()
    for _server, location in proxied_locations():
        headers = {args[0]: args[1] for args, _block in named(location, "proxy_set_header")}
        assert headers[HEADER] == "$request_id"
    # nginx's $request_id is 32 hexadecimal digits: the site keeps it.
    assert SANE_ID.fullmatch("0123456789abcdef" * 2)
    (log_format,) = named(directives, "log_format")
    assert log_format[0][0] == "r2p"
    assert any("$request_id" in part for part in log_format[0][1:])
    assert named(directives, "access_log")[0][0][1] == "r2p"


def test_forwarded_headers_match_the_production_settings():
    """The site takes the scheme from the header SECURE_PROXY_SSL_HEADER names: the proxy
    sets it (over any a client sent) to the scheme the client used, which is https in
    every server that passes requests on; the plain http server only redirects."""
    production = production_settings("SECURE_PROXY_SSL_HEADER", "USE_X_FORWARDED_HOST")
    meta_name, secure_value = production["SECURE_PROXY_SSL_HEADER"]
    header = "-".join(part.capitalize() for part in meta_name.removeprefix("HTTP_").split("_"))
    assert (header, secure_value) == ("X-Forwarded-Proto", "https")
    for server, location in proxied_locations():
        headers = {args[0]: args[1] for args, _block in named(location, "proxy_set_header")}
        assert headers[header] == "$scheme"
        listens = [args for args, _block in named(server, "listen")]
        assert listens and all("ssl" in args for args in listens)
        # Django reads the host from Host unless USE_X_FORWARDED_HOST says otherwise.
        host_header = "X-Forwarded-Host" if production["USE_X_FORWARDED_HOST"] else "Host"
        assert headers[host_header] == "$host"
        assert headers["X-Forwarded-For"] == "$proxy_add_x_forwarded_for"
    for _args, server in named(nginx_directives(), "server"):
        listens = [args for args, _block in named(server, "listen")]
        if not any("ssl" in args for args in listens):
            assert named(server, "return") == [(["301", "https://$host$request_uri"], None)]
            assert not named(server, "location")
