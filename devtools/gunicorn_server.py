"""A real gunicorn serving the site to a benchmark, with production settings, on the
database the benchmark itself uses; and the CPU time its workers spend."""

import ctypes
import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection

from .cpu import children, process_cpu


def database_url() -> str:
    """The database this process uses, as DATABASE_URL (in a test run, the test
    database), so that the server reads and writes the same rows."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        if connection.is_in_memory_db():
            raise CommandError("gunicorn cannot share an in-memory SQLite database.")
        return f"sqlite:///{db['NAME']}"
    if connection.vendor != "postgresql":
        raise CommandError(f"No DATABASE_URL for a {connection.vendor} database.")
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = quote(db["HOST"] or "localhost", safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{quote(db['NAME'], safe='')}"


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _ended_with(parent: int):
    """What the child runs before gunicorn: it is sent SIGTERM when `parent` ends, even
    killed, so that no server outlives the benchmark or test that started it (Linux;
    elsewhere only the `with` block stops it)."""
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        prctl = None

    def preexec() -> None:
        if prctl is not None:
            prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # ended before the request took effect
            os._exit(1)

    return preexec


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class GunicornServer:
    """`with GunicornServer(workers=3) as server:` serves the site at `server.url` until
    the block ends.

    The settings are production's (DEBUG off, persistent database connections, secure
    cookies, the proxy's X-Forwarded-Proto trusted) with a random SECRET_KEY, which
    the benchmark needs to make its sessions (`secret_key`). Static files are not
    collected: no autosave answer links to one.
    """

    def __init__(self, *, workers: int, start_timeout: float = 60.0):
        self.workers = workers
        self.start_timeout = start_timeout
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.secret_key = secrets.token_urlsafe(60)
        self.process: subprocess.Popen | None = None
        self._log = None

    def environment(self) -> dict[str, str]:
        """This process's environment with production's settings: DB_CONN_MAX_AGE and
        the limits pass on as they are set, so that their cost can be measured."""
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="r2p_site.settings",
            DJANGO_ENV="production",
            DEBUG="no",
            SECRET_KEY=self.secret_key,
            ALLOWED_HOSTS="127.0.0.1",
            SITE_URL="https://127.0.0.1",
            DATABASE_URL=database_url(),
            # As behind docker/nginx.conf: the proxy forwards the address and the scheme.
            TRUSTED_PROXY_COUNT="1",
            STATIC_ROOT=str(Path(tempfile.gettempdir()) / "r2p-benchmark-static"),
            MEDIA_ROOT=str(settings.MEDIA_ROOT),
        )
        return env

    def __enter__(self) -> "GunicornServer":
        self._log = tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen(  # noqa: S603 (the interpreter running this command)
            [
                sys.executable,
                "-m",
                "gunicorn",
                "r2p_site.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--no-control-socket",
                # As the image runs it (Dockerfile); the lines are thrown away.
                "--access-logfile",
                os.devnull,
            ],
            cwd=settings.BASE_DIR,
            env=self.environment(),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            # Safe with threads only before they start, which is when a benchmark starts it.
            preexec_fn=_ended_with(os.getpid()),
        )
        try:
            self._wait_until_ready()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise CommandError(f"gunicorn ended at start:\n{self.log_tail()}")
            if self._healthy() and len(self.worker_pids()) == self.workers:
                return
            time.sleep(0.2)
        raise CommandError(
            f"gunicorn did not answer in {self.start_timeout:.0f} s:\n{self.log_tail()}"
        )

    def _healthy(self) -> bool:
        probe = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            # As the proxy sends it: production redirects plain http to https.
            probe.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
            return probe.getresponse().status == 200
        except OSError:
            return False
        finally:
            probe.close()

    def worker_pids(self) -> list[int]:
        return children(self.process.pid)

    def worker_cpu(self) -> dict[int, float]:
        """CPU seconds of each worker so far, by process id."""
        return {pid: process_cpu(pid) for pid in self.worker_pids()}

    def log_tail(self, lines: int = 30) -> str:
        self._log.seek(0)
        return "".join(self._log.readlines()[-lines:])

    def __exit__(self, *exc_info) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log is not None:
            self._log.close()
