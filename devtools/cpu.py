"""CPU time of other processes on this machine, read from /proc (Linux): a gunicorn's
workers, the PostgreSQL server."""

import os
from pathlib import Path

from django.db import connection

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str]:
    """The fields of /proc/<pid>/stat after the command name, which may hold spaces:
    index 0 is field 3 of proc(5) (the state)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def process_cpu(pid: int, *, with_ended_children: bool = False) -> float:
    """User plus system CPU seconds of process `pid` so far, its threads included, and
    with `with_ended_children` those of its children that ended and were waited for."""
    fields = _stat(pid)
    # utime, stime, cutime, cstime: fields 14 to 17 of proc(5).
    used = int(fields[11]) + int(fields[12])
    if with_ended_children:
        used += int(fields[13]) + int(fields[14])
    return used / CLOCK_TICKS


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int(_stat(int(entry.name))[1])
            except (OSError, IndexError, ValueError):  # ended meanwhile
                continue
            if parent == pid:
                found.append(int(entry.name))
    return sorted(found)


def postgres_server_pid() -> int | None:
    """The PostgreSQL server's main process if it runs on this machine and /proc shows it
    (the parent of this connection's backend), else None."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    try:
        parent = int(_stat(backend)[1])
        Path(f"/proc/{parent}/stat").read_text()
    except (OSError, IndexError, ValueError):
        return None
    return parent


def server_tree_cpu(pid: int) -> float:
    """CPU seconds of a server that forks a process per connection (PostgreSQL): its main
    process, its live children and the children that ended."""
    used = process_cpu(pid, with_ended_children=True)
    for child in children(pid):
        try:
            used += process_cpu(child)
        except OSError:  # ended meanwhile: counted by its parent once waited for
            continue
    return used


def machine_busy() -> float | None:
    """CPU seconds all processors of this machine have been busy (not idle or waiting
    for a disk) since it started, or None without /proc."""
    try:
        first = Path("/proc/stat").read_text().splitlines()[0].split()
    except OSError:
        return None
    # cpu user nice system idle iowait irq softirq steal (guest time is in user already)
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in first[1:9])
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS
