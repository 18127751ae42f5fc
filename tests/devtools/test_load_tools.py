"""The pieces the HTTP load benchmark stands on: CPU read from /proc, the browser-like
client's cookies, the gunicorn it starts and stops."""

import http.client
import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection

from devtools.cpu import children, process_cpu
from devtools.gunicorn_server import GunicornServer
from devtools.http_client import HttpClient

needs_proc = pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="Linux /proc only")


@needs_proc
def test_process_cpu_grows_with_work_and_children_are_found():
    before = process_cpu(os.getpid())
    deadline = time.process_time() + 0.3
    while time.process_time() < deadline:
        pass
    # Ticks of 10 ms: 0.3 s of work shows as at least 0.2 s.
    assert process_cpu(os.getpid()) - before >= 0.2

    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(5)"]) as child:
        try:
            assert child.pid in children(os.getpid())
        finally:
            child.kill()


def test_http_client_keeps_a_cookie_the_server_sets_and_drops_one_it_deletes():
    client = HttpClient("http://127.0.0.1:8000", "first-session")
    name = settings.SESSION_COOKIE_NAME

    client._keep(f"{name}=second-session; HttpOnly; Path=/; SameSite=Lax")
    assert client.cookies[name] == "second-session"
    client._keep(f'{name}=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/')
    assert name not in client.cookies
    assert settings.CSRF_COOKIE_NAME in client.cookies


@needs_proc
@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="gunicorn cannot share the in-memory test database"
)
@pytest.mark.django_db(transaction=True)
def test_gunicorn_serves_with_production_settings_and_stops_at_the_end():
    with GunicornServer(workers=2) as server:
        workers = server.worker_pids()
        assert len(server.worker_cpu()) == 2
        probe = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        try:
            # Plain http is redirected to https, as production does behind its proxy.
            probe.request("GET", "/healthz")
            answer = probe.getresponse()
            assert answer.status == 301
            assert answer.getheader("Location") == f"https://127.0.0.1:{server.port}/healthz"
        finally:
            probe.close()
    assert server.process.poll() is not None
    assert [pid for pid in workers if os.path.exists(f"/proc/{pid}")] == []


PARENT = """
import os, subprocess, sys, time
from devtools.gunicorn_server import _ended_with
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"],
                         preexec_fn=_ended_with(os.getpid()))
print(child.pid, flush=True)
time.sleep(60)
"""


@needs_proc
def test_the_server_process_ends_when_what_started_it_is_killed():
    """A benchmark or test killed mid-run (a timeout's SIGKILL) leaves no gunicorn behind."""
    with subprocess.Popen(
        [sys.executable, "-c", PARENT],
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        text=True,
    ) as parent:
        server = int(parent.stdout.readline())
        assert os.path.exists(f"/proc/{server}")
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 10
    while os.path.exists(f"/proc/{server}") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not os.path.exists(f"/proc/{server}")
