"""docker-compose.yml and the Dockerfile, checked by reading them (no Docker engine here)."""

from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]


def compose():
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def test_compose_has_a_database_a_web_service_a_worker_and_the_scheduled_jobs():
    assert set(compose()["services"]) == {"db", "web", "worker", "jobs"}


def test_the_scheduled_jobs_run_from_the_same_image_every_few_minutes():
    services = compose()["services"]
    jobs = services["jobs"]
    assert jobs["build"] == services["web"]["build"]
    assert jobs["environment"] == services["web"]["environment"]
    script_path = REPO / jobs["entrypoint"][0].removeprefix("/app/")
    assert script_path.stat().st_mode & 0o111, "the script must be executable"
    script = script_path.read_text()
    for command in (
        "send_deadline_reminders",
        "send_unsent_invitations",
        "render_missing_pdfs",
        "prune_db_task_results",
    ):
        assert f"python manage.py {command}" in script
    assert 'sleep "${JOBS_INTERVAL:-300}"' in script


def test_every_command_the_scheduled_jobs_run_exists():
    import re

    from django.core.management import get_commands

    script = (REPO / "docker" / "jobs.sh").read_text()
    assert set(re.findall(r"manage\.py (\w+)", script)) <= set(get_commands())


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
