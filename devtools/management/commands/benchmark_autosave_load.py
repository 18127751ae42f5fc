import random
import re
import statistics
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, transaction
from django.urls import reverse

from assessments.models import Answer, AnswerChange, Cycle
from assessments.services.lifecycle import assessment_start
from delegations.models import Member, MemberState
from devtools.benchmarking import open_cycle, refuse_in_production, signed_in_client

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
    # CPU time of this whole process (every client thread and the views they call; on
    # PostgreSQL not the database server's).
    cpu: float = 0.0
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
        "view. Fails if any request errs or any accepted save is missing from the history. "
        "Meant for PostgreSQL; it works in a throwaway cycle and removes everything after."
    )

    def add_arguments(self, parser):
        parser.add_argument("--states", type=int, default=25, help="delegations (default 25)")
        parser.add_argument("--saves", type=int, default=40, help="saves per user (default 40)")
        parser.add_argument(
            "--answers", type=int, default=3, help="answers each pair of colleagues shares"
        )
        parser.add_argument("--seed", type=int, default=2025)

    def handle(self, *args, states, saves, answers, seed, **options):
        refuse_in_production()
        source = open_cycle()
        if connection.vendor == "sqlite":
            self.stderr.write("SQLite serialises writers: this load means more on PostgreSQL.")
        tag = uuid.uuid4().hex[:8]
        cycle = self._make_cycle(source, tag)
        try:
            workers = self._make_workers(cycle, tag, states, answers)
            outcome = self._run(workers, saves, seed)
            self._report(outcome, workers, saves)
        finally:
            self._clean_up(cycle, tag)

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

    def _run(self, workers, saves, seed):
        outcome = Outcome()
        start = threading.Barrier(len(workers))
        # Seeded per user, so a run can be repeated; nothing here needs to be unpredictable.
        rngs = [random.Random(seed + n) for n in range(len(workers))]  # noqa: S311
        threads = [
            threading.Thread(target=self._work, args=(worker, saves, rng, start, outcome))
            for worker, rng in zip(workers, rngs, strict=True)
        ]
        began, began_cpu = time.perf_counter(), time.process_time()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        outcome.elapsed = time.perf_counter() - began
        outcome.cpu = time.process_time() - began_cpu
        return outcome

    def _work(self, worker, saves, rng, start, outcome):
        user, assessment, shared = worker
        try:
            client = signed_in_client(user)
            known = dict.fromkeys(shared, 0)
            start.wait(timeout=60)
            for n in range(saves):
                answer = rng.choice(shared)
                text = f"{user.username} save {n}"
                self._save(client, assessment, answer, text, known, outcome)
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

    def _report(self, outcome, workers, saves):
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
        latencies = outcome.latencies or [0.0]
        self.stdout.write(
            f"{connection.vendor}: {len(workers)} users in {len(workers) // 2} delegations, "
            f"{saves} saves each, {outcome.elapsed:.1f} s\n"
            f"accepted saves      {len(outcome.accepted)}\n"
            f"refused as stale    {outcome.conflicts} (then saved over, as a user would)\n"
            f"requests per second {len(outcome.latencies) / outcome.elapsed:.0f}\n"
            f"CPU ms per request  {outcome.cpu * 1000 / max(len(outcome.latencies), 1):.1f} "
            f"(this process, {outcome.cpu:.1f} s in all)\n"
            f"latency ms          median {statistics.median(latencies):.1f}, "
            f"90th percentile {statistics.quantiles(latencies * 2, n=10)[-1]:.1f}, "
            f"max {max(latencies):.1f}\n"
            f"errors and lost updates: {len(problems)}"
        )
        if problems:
            raise CommandError("\n".join(problems[:20]))

    def _clean_up(self, cycle, tag):
        with transaction.atomic():
            cycle.assessments.all().delete()
            cycle.delete()
            get_user_model().objects.filter(username__startswith=f"load-{tag}-").delete()
