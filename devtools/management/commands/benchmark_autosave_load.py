import os
import random
import re
import statistics
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse

from assessments.models import Answer, AnswerChange, Cycle
from assessments.services.lifecycle import assessment_start
from delegations.models import Member, MemberState
from devtools.benchmarking import (
    open_cycle,
    refuse_in_production,
    signed_in_client,
    signed_in_session,
)
from devtools.cpu import machine_busy, postgres_server_pid, server_tree_cpu
from devtools.gunicorn_server import GunicornServer
from devtools.http_client import HttpClient

VERSION_INPUT = re.compile(r'name="r(\d+)-version" value="(\d+)"')


@dataclass
class Outcome:
    """What the clients saw: every save the server accepted, and everything else."""

    # (answer, version the client started from, version it was told it saved, text)
    accepted: list[tuple[int, int, int, str]] = field(default_factory=list)
    conflicts: int = 0
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    elapsed: float = 0.0
    # CPU time of this whole process (every client thread and, in process, the views
    # they call; on PostgreSQL not the database server's).
    cpu: float = 0.0
    # CPU time of the gunicorn workers, when the requests went to one.
    server_cpu: float | None = None
    # CPU time of the whole PostgreSQL server, when it runs on this machine.
    database_cpu: float | None = None
    # CPU time of the whole machine: what other work took shows beside the rest.
    machine_cpu: float | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


def lost_updates(accepted, changes, current) -> list[str]:
    """Compare the saves the clients were told succeeded with what is stored.

    `changes` maps an answer to {version: evidence after that change}, `current` to
    its stored (version, evidence). Nothing is lost when each accepted save directly
    follows the version its author saw, owns its version, is in the history as typed,
    and each answer holds its latest save.
    """
    problems = []
    owners = defaultdict(list)
    for answer, base, version, text in accepted:
        owners[answer, version].append(text)
        if version != base + 1:
            problems.append(
                f"answer {answer}: a save made on version {base} was stored as version "
                f"{version}, over changes its author never saw"
            )
    for (answer, version), texts in sorted(owners.items()):
        if len(texts) > 1:
            problems.append(f"answer {answer}: {len(texts)} saves were all told version {version}")
        stored = changes.get(answer, {}).get(version)
        if stored not in texts:
            problems.append(
                f"answer {answer}, version {version}: history has {stored!r}, "
                f"a client saved {texts[0]!r}"
            )
    for answer, (version, evidence) in sorted(current.items()):
        latest = max(v for r, v in owners if r == answer)
        if version != latest or evidence not in owners[answer, latest]:
            problems.append(
                f"answer {answer} holds version {version} {evidence!r}, "
                f"but the last accepted save was version {latest}"
            )
    return problems


class Command(BaseCommand):
    help = (
        "Many delegations autosaving at once: two colleagues per State, each in its own "
        "thread and database connection, save the same few answers through the autosave "
        "view, in this process or over HTTP to a real gunicorn (--gunicorn). Fails if any "
        "request errs or any accepted save is missing from the history. Meant for "
        "PostgreSQL; it works in a throwaway cycle and removes everything after."
    )

    def add_arguments(self, parser):
        parser.add_argument("--states", type=int, default=25, help="delegations (default 25)")
        parser.add_argument("--saves", type=int, default=40, help="saves per user (default 40)")
        parser.add_argument(
            "--answers", type=int, default=3, help="answers each pair of colleagues shares"
        )
        parser.add_argument(
            "--think",
            type=int,
            default=0,
            help="each user pauses 0 to this many milliseconds before each save (default 0)",
        )
        parser.add_argument(
            "--gunicorn",
            type=int,
            default=0,
            metavar="WORKERS",
            help="send the saves over HTTP to a gunicorn with this many sync workers, "
            "started on this database with production settings (default: in this process)",
        )
        parser.add_argument("--seed", type=int, default=2025)

    def handle(self, *args, states, saves, answers, think, gunicorn, seed, **options):
        refuse_in_production()
        source = open_cycle()
        if connection.vendor == "sqlite":
            self.stderr.write("SQLite serialises writers: this load means more on PostgreSQL.")
        tag = uuid.uuid4().hex[:8]
        cycle = self._make_cycle(source, tag)
        sessions = {}
        try:
            workers = self._make_workers(cycle, tag, states, answers)
            if gunicorn:
                with GunicornServer(workers=gunicorn) as server:
                    for user, _assessment, _shared in workers:
                        sessions[user.pk] = signed_in_session(user, secret_key=server.secret_key)
                    outcome = self._run(
                        workers,
                        lambda user: HttpClient(server.url, sessions[user.pk]),
                        saves,
                        think,
                        seed,
                        server=server,
                    )
            else:
                outcome = self._run(workers, signed_in_client, saves, think, seed)
            self._report(outcome, workers, saves, gunicorn)
        finally:
            self._clean_up(cycle, tag, list(sessions.values()))

    def _make_cycle(self, source, tag):
        cycle = Cycle.objects.create(
            code=f"load-{tag}", name=f"Autosave load {tag}", deadline=source.deadline, is_open=True
        )
        cycle.reports.set(source.reports.order_by("year")[:1])
        return cycle

    def _make_workers(self, cycle, tag, states, answers):
        User = get_user_model()
        workers = []
        for state in MemberState.objects.order_by("name")[:states]:
            pair = []
            for role in (Member.Role.FOCAL_POINT, Member.Role.EDITOR):
                user = User.objects.create_user(f"load-{tag}-{state.iso3}-{role}".lower())
                Member.objects.create(user=user, member_state=state, role=role)
                pair.append(user)
            assessment = assessment_start(member_state=state, cycle=cycle, started_by=pair[0])
            shared = list(assessment.answers.order_by("pk").values_list("pk", flat=True)[:answers])
            workers += [(user, assessment.pk, shared) for user in pair]
        return workers

    def _run(self, workers, make_client, saves, think, seed, server=None):
        """Every user signs in, then all start saving at once: the clock and the CPU
        counters start when the last one is ready."""
        outcome = Outcome()
        marks = {}
        database = postgres_server_pid()

        def mark_start():
            marks["began"], marks["cpu"] = time.perf_counter(), time.process_time()
            marks["machine"] = machine_busy()
            if server is not None:
                marks["server"] = server.worker_cpu()
            if database is not None:
                marks["database"] = server_tree_cpu(database)

        start = threading.Barrier(len(workers), action=mark_start)
        # Seeded per user, so a run can be repeated; nothing here needs to be unpredictable.
        rngs = [random.Random(seed + n) for n in range(len(workers))]  # noqa: S311
        threads = [
            threading.Thread(
                target=self._work, args=(worker, make_client, saves, think, rng, start, outcome)
            )
            for worker, rng in zip(workers, rngs, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if "began" not in marks:
            return outcome  # nobody started: the errors say why
        outcome.elapsed = time.perf_counter() - marks["began"]
        outcome.cpu = time.process_time() - marks["cpu"]
        if marks["machine"] is not None:
            outcome.machine_cpu = machine_busy() - marks["machine"]
        if database is not None:
            outcome.database_cpu = server_tree_cpu(database) - marks["database"]
        if server is not None:
            after = server.worker_cpu()
            if after.keys() != marks["server"].keys():
                outcome.errors.append(
                    f"gunicorn replaced a worker during the run:\n{server.log_tail()}"
                )
            outcome.server_cpu = sum(
                cpu - marks["server"].get(pid, 0.0) for pid, cpu in after.items()
            )
        return outcome

    def _work(self, worker, make_client, saves, think, rng, start, outcome):
        user, assessment, shared = worker
        try:
            client = make_client(user)
            known = dict.fromkeys(shared, 0)
            start.wait(timeout=60)
            for n in range(saves):
                if think:
                    time.sleep(rng.uniform(0, think / 1000))
                answer = rng.choice(shared)
                text = f"{user.username} save {n}"
                self._save(client, assessment, answer, text, known, outcome)
            if isinstance(client, Client):
                client.logout()
        except Exception as error:  # any failure is a finding of the load test
            start.abort()  # so that no other user waits for this one forever
            with outcome.lock:
                outcome.errors.append(f"{user.username}: {error!r}")
        finally:
            connections.close_all()

    def _save(self, client, assessment, answer, text, known, outcome):
        url = reverse("assessments:answer_save", args=[assessment, answer])
        data = {
            f"r{answer}-status": "implemented",
            f"r{answer}-evidence": text,
            f"r{answer}-links": "",
            f"r{answer}-version": known[answer],
        }
        for _attempt in range(20):
            began = time.perf_counter()
            result = client.post(url, data, headers={"HX-Request": "true"})
            latency = (time.perf_counter() - began) * 1000
            if result.status_code != 200:
                raise CommandError(f"{url} answered {result.status_code}")
            found = VERSION_INPUT.search(result.content.decode())
            if found is None:
                raise CommandError(f"{url} answered without a version")
            base, version = known[answer], int(found.group(2))
            known[answer] = version
            with outcome.lock:
                outcome.latencies.append(latency)
                if "HX-Retarget" not in result.headers:
                    outcome.accepted.append((answer, base, version, text))
                    return
                # Refused as stale: like the person at the keyboard, save again over it.
                outcome.conflicts += 1
            data[f"r{answer}-version"] = version
            data["resolve"] = "1"
        raise CommandError(f"{url}: still refused after 20 attempts")

    def _report(self, outcome, workers, saves, gunicorn):
        changes = defaultdict(dict)
        answers = {accepted[0] for accepted in outcome.accepted}
        for answer, version, after in AnswerChange.objects.filter(
            answer__in=answers, kind=AnswerChange.Kind.EDITED
        ).values_list("answer", "version", "after"):
            changes[answer][version] = after["evidence"]
        current = {
            pk: (version, evidence)
            for pk, version, evidence in Answer.objects.filter(pk__in=answers).values_list(
                "pk", "version", "evidence"
            )
        }
        problems = outcome.errors + lost_updates(outcome.accepted, changes, current)
        # Doubled, so that a single request still has quantiles.
        latencies = (outcome.latencies or [0.0]) * 2
        requests = max(len(outcome.latencies), 1)
        elapsed = outcome.elapsed or 1.0
        where = f"gunicorn, {gunicorn} sync workers" if gunicorn else "in this process"
        lines = [
            f"{connection.vendor}, {where}: {len(workers)} users in {len(workers) // 2} "
            f"delegations, {saves} saves each, {outcome.elapsed:.1f} s",
            f"accepted saves      {len(outcome.accepted)} "
            f"({len(outcome.accepted) / elapsed:.0f} per second)",
            f"refused as stale    {outcome.conflicts} (then saved over, as a user would)",
            f"requests per second {len(outcome.latencies) / elapsed:.0f}",
        ]
        if outcome.server_cpu is not None:
            lines.append(
                f"server CPU ms per request {outcome.server_cpu * 1000 / requests:.1f} "
                f"(the gunicorn workers, {outcome.server_cpu:.1f} s in all)"
            )
        if outcome.database_cpu is not None:
            lines.append(
                f"database CPU ms per request {outcome.database_cpu * 1000 / requests:.1f} "
                "(the whole PostgreSQL server: other databases' work too)"
            )
        lines.append(
            f"CPU ms per request  {outcome.cpu * 1000 / requests:.1f} "
            f"(this process, {outcome.cpu:.1f} s in all)"
        )
        if outcome.machine_cpu is not None:
            measured = outcome.cpu + (outcome.server_cpu or 0) + (outcome.database_cpu or 0)
            # The rest: other processes, the kernel's network work, gunicorn's master.
            lines.append(
                f"machine busy        {outcome.machine_cpu / elapsed:.2f} of {os.cpu_count()} "
                f"processors, {max(outcome.machine_cpu - measured, 0) / elapsed:.2f} of "
                "them outside the processes above"
            )
        lines += [
            f"latency ms          median {statistics.median(latencies):.1f}, "
            f"90th percentile {statistics.quantiles(latencies, n=10)[-1]:.1f}, "
            f"95th percentile {statistics.quantiles(latencies, n=20)[-1]:.1f}, "
            f"max {max(latencies):.1f}",
            f"errors and lost updates: {len(problems)}",
        ]
        self.stdout.write("\n".join(lines))
        if problems:
            raise CommandError("\n".join(problems[:20]))

    def _clean_up(self, cycle, tag, sessions):
        with transaction.atomic():
            cycle.assessments.all().delete()
            cycle.delete()
            get_user_model().objects.filter(username__startswith=f"load-{tag}-").delete()
            # The HTTP clients' sessions: they never sign out.
            Session.objects.filter(session_key__in=sessions).delete()
