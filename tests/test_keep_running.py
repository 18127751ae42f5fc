"""`make run`'s worker is started again when it ends (a database restart ends
django-tasks' db_worker), and stops with the server."""

import signal
import subprocess
import sys
import time
from pathlib import Path

SUPERVISOR = (
    "import sys; from r2p_site.keep_running import keep_running; "
    "keep_running(sys.argv[1:], pause=0.05)"
)


def supervise(*child_code: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", SUPERVISOR, "-c", *child_code],
        cwd=Path(__file__).resolve().parent.parent,
    )


def wait_for(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_child_that_ends_is_started_again(tmp_path):
    runs = tmp_path / "runs"
    supervisor = supervise(f"open({str(runs)!r}, 'a').write('x'); raise SystemExit(1)")
    try:
        assert wait_for(lambda: runs.exists() and len(runs.read_text()) >= 3)
    finally:
        supervisor.send_signal(signal.SIGTERM)
        supervisor.wait(timeout=10)


def test_a_stop_reaches_the_child_and_ends_both(tmp_path):
    stopped = tmp_path / "stopped"
    started = tmp_path / "started"
    child = (
        "import signal, sys, time\n"
        f"def stop(*args):\n    open({str(stopped)!r}, 'w').write('yes')\n    sys.exit(0)\n"
        "signal.signal(signal.SIGTERM, stop)\n"
        f"open({str(started)!r}, 'w').write('yes')\n"
        "time.sleep(60)\n"
    )
    supervisor = supervise(child)
    assert wait_for(started.exists)
    supervisor.send_signal(signal.SIGTERM)
    assert supervisor.wait(timeout=10) == 0
    assert stopped.read_text() == "yes"  # passed on, not left running
