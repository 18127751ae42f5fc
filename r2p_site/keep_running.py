"""Run a command and start it again whenever it ends on its own: `make run`'s task worker.

The worker waits out a database restart by itself (operations/worker.py), but a worker
started once in the background and ended all the same (killed, out of memory, a bug)
would stay dead until someone noticed. Under docker compose the worker's
`restart: unless-stopped` does this; here it is done for a local run: the command is
started again after a pause, and a stop signal (the server ending) is passed on to it
and ends both.

    python -m r2p_site.keep_running manage.py db_worker
"""

import signal
import subprocess
import sys
import time

PAUSE_SECONDS = 2.0


def keep_running(command: list[str], pause: float = PAUSE_SECONDS) -> int:
    stopping = False
    child: subprocess.Popen | None = None

    def stop(signum, frame):
        nonlocal stopping
        stopping = True
        if child is not None and child.poll() is None:
            child.send_signal(signum)

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, stop)
    while True:
        # The command line of `make run`, never input from outside.
        child = subprocess.Popen([sys.executable, *command])  # noqa: S603
        code = child.wait()
        if stopping:
            return code
        print(
            f"{' '.join(command)} ended (exit code {code}); starting it again in {pause:g} s",
            file=sys.stderr,
            flush=True,
        )
        time.sleep(pause)
        if stopping:
            return code


if __name__ == "__main__":
    sys.exit(keep_running(sys.argv[1:]))
