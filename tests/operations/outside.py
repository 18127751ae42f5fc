"""A site outside the test process, for what only real processes show (a worker killed,
a database restarted): its own database, migrated and seeded by subprocesses, read back
with plain SQL, and processes (workers, clients) started against it.

The database is a SQLite file, or a fresh database on a PostgreSQL server: the tests'
own server, or a throwaway cluster (`ThrowawayPostgres`) that a test may stop and start.
"""

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from contextlib import closing, suppress
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parents[2]
PRELUDE = (
    "import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'r2p_site.settings'); "
    "django.setup()\n"
)


@dataclass
class OutsideSite:
    database_url: str
    media: Path
    settings: dict[str, str] = field(default_factory=dict)  # environment variables
    processes: list[subprocess.Popen] = field(default_factory=list)

    @property
    def env(self) -> dict:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "r2p_site.settings",
            "DATABASE_URL": self.database_url,
            "MEDIA_ROOT": str(self.media),
            "PYTHONPATH": str(REPO),
            **self.settings,
        }

    def python(self, code: str, timeout: float = 180) -> str:
        """Run `code` in a fresh process set up against this site; its output."""
        done = subprocess.run(
            [sys.executable, "-c", PRELUDE + code],
            env=self.env,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert done.returncode == 0, done.stderr[-4000:]
        return done.stdout

    def start(self, *command: str) -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, *command],
            env=self.env,
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.processes.append(process)
        return process

    def worker(self, *extra: str) -> subprocess.Popen:
        return self.start(
            "manage.py",
            "db_worker",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0.2",
            *extra,
        )

    def query(self, sql: str, *params) -> list[tuple]:
        """Plain SQL on the site's database (%s placeholders), from this process."""
        if self.database_url.startswith("sqlite"):
            path = urllib.parse.urlparse(self.database_url).path
            with closing(sqlite3.connect(path, timeout=20)) as connection:
                return connection.execute(sql.replace("%s", "?"), params).fetchall()
        with psycopg.connect(libpq_url(self.database_url)) as db:
            return db.execute(sql, params).fetchall()

    def wait_for(self, sql: str, *params, timeout: float, every: float = 0.1):
        """The first row of `sql` once there is one, polling; None after `timeout` s."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                rows = self.query(sql, *params)
            except (sqlite3.Error, psycopg.Error):
                rows = []
            if rows:
                return rows[0]
            time.sleep(every)
        return None

    def stop_all(self) -> str:
        """Stop every process started; what they printed."""
        printed = []
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
            if process.stdout and not process.stdout.closed:
                printed.append(process.stdout.read())
                process.stdout.close()
        return "\n".join(printed)


def postgres_url(server_url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(server_url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def libpq_url(url: str) -> str:
    """`url` (DATABASE_URL's postgres:// scheme) as psycopg reads it."""
    return url.replace("postgres://", "postgresql://", 1)


def create_postgres_database(server_url: str) -> str:
    name = f"r2p_outside_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(libpq_url(postgres_url(server_url, "postgres")), autocommit=True) as db:
        db.execute(f'CREATE DATABASE "{name}"')
    return postgres_url(server_url, name)


def drop_postgres_database(url: str) -> None:
    name = urllib.parse.urlsplit(url).path.lstrip("/")
    server = libpq_url(postgres_url(url, "postgres"))
    # The server may be gone with its cluster.
    with suppress(psycopg.OperationalError), psycopg.connect(server, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_server_url(settings_database: dict) -> str:
    """The URL of the PostgreSQL server the tests run on (any database name)."""
    host = urllib.parse.quote(settings_database.get("HOST") or "", safe="")
    user = settings_database.get("USER") or "postgres"
    password = settings_database.get("PASSWORD") or ""
    credentials = f"{user}:{urllib.parse.quote(password, safe='')}" if password else user
    port = settings_database.get("PORT") or 5432
    return f"postgres://{credentials}@{host}:{port}/postgres"


def migrate(site: OutsideSite) -> None:
    site.python(
        "from django.core.management import call_command; call_command('migrate', verbosity=0)"
    )


class ThrowawayPostgres:
    """A PostgreSQL 15 cluster of its own in a temporary folder, listening on a socket
    there only, that a test may stop and start. As root, run as the `postgres` user
    (initdb refuses root)."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="r2p-outage-"))
        self.data = self.folder / "data"
        if os.getuid() == 0:
            shutil.chown(self.folder, "postgres")
        self.folder.chmod(0o755)
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        self.url = (
            f"postgres://postgres@{urllib.parse.quote(str(self.folder), safe='')}:5432/postgres"
        )

    @staticmethod
    def available() -> bool:
        return bool(shutil.which("initdb") and shutil.which("pg_ctl"))

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "server.log"),
            "-w",
            "-t",
            "30",
            "-o",
            f"-c listen_addresses='' -k {self.folder} -p 5432 -c fsync=off",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        with suppress(subprocess.CalledProcessError):
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)
