"""Many colleagues autosaving at once: no request fails and no accepted save is lost.

The load itself is `manage.py benchmark_autosave_load` (docs/benchmarks.md); here it
runs small, in real threads with their own connections, on the test database, in this
process and over HTTP to a real gunicorn.
"""

import io
import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.db import connection

from assessments.models import Answer, Cycle
from assessments.services.answers import answer_save
from devtools.cpu import children
from devtools.management.commands.benchmark_autosave_load import lost_updates

needs_server_database = pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's in-memory test database locks whole tables between threads; "
    "CI runs these on PostgreSQL",
)


def run_load(**options):
    output = io.StringIO()
    call_command("benchmark_autosave_load", stdout=output, stderr=io.StringIO(), **options)
    return output.getvalue()


@needs_server_database
@pytest.mark.django_db(transaction=True)
def test_colleagues_autosaving_the_same_answers_at_once_lose_nothing(cycle, norway, kenya):
    output = run_load(states=2, saves=10, answers=2)

    assert "accepted saves      40" in output
    assert "errors and lost updates: 0" in output
    assert list(Cycle.objects.values_list("code", flat=True)) == ["2025"]
    assert not get_user_model().objects.filter(username__startswith="load-").exists()


@needs_server_database
@pytest.mark.django_db(transaction=True)
def test_the_load_test_catches_a_save_that_ignores_the_version(cycle, norway, kenya, monkeypatch):
    def last_write_wins(*, answer, content, base_version, user):
        current = Answer.objects.get(pk=answer.pk).version
        return answer_save(answer=answer, content=content, base_version=current, user=user)

    monkeypatch.setattr("assessments.views.answers.answer_save", last_write_wins)

    with pytest.raises(CommandError, match="over changes its author never saw"):
        run_load(states=1, saves=6, answers=1)
    assert not get_user_model().objects.filter(username__startswith="load-").exists()


@needs_server_database
@pytest.mark.django_db(transaction=True)
def test_colleagues_autosaving_through_gunicorn_lose_nothing_and_its_workers_cpu_is_counted(
    cycle, norway
):
    output = run_load(states=1, saves=8, answers=1, think=20, gunicorn=2)

    assert "gunicorn, 2 sync workers: 2 users in 1 delegations" in output
    assert "accepted saves      16" in output
    assert "errors and lost updates: 0" in output
    server_cpu = float(output.split("server CPU ms per request ")[1].split()[0])
    assert server_cpu > 0
    # The server was stopped, and what the run made is gone, its sessions included.
    assert [pid for pid in children(os.getpid()) if "gunicorn" in _command_line(pid)] == []
    assert not get_user_model().objects.filter(username__startswith="load-").exists()
    assert not Session.objects.exists()
    assert list(Cycle.objects.values_list("code", flat=True)) == ["2025"]


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


@pytest.mark.parametrize(
    ("accepted", "changes", "current", "problem"),
    [
        ([(1, 0, 1, "a"), (1, 1, 2, "b")], {1: {1: "a", 2: "b"}}, {1: (2, "b")}, None),
        (
            [(1, 0, 1, "a"), (1, 0, 1, "b")],
            {1: {1: "a"}},
            {1: (1, "a")},
            "2 saves were all told version 1",
        ),
        ([(1, 0, 1, "a")], {1: {}}, {1: (1, "a")}, "history has None"),
        ([(1, 0, 1, "a"), (1, 1, 2, "b")], {1: {1: "a", 2: "b"}}, {1: (1, "a")}, "holds version 1"),
        (
            [(1, 0, 1, "a"), (1, 0, 2, "b")],
            {1: {1: "a", 2: "b"}},
            {1: (2, "b")},
            "made on version 0 was stored as version 2",
        ),
    ],
    ids=["consistent", "same-version-twice", "missing-history", "stale-answer", "blind-overwrite"],
)
def test_lost_updates_names_each_kind_of_loss(accepted, changes, current, problem):
    problems = lost_updates(accepted, changes, current)
    if problem is None:
        assert problems == []
    else:
        assert any(problem in line for line in problems), problems
