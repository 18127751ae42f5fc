import resource
import statistics
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone, translation

from assessments.documents.pdf import render_country_report
from assessments.documents.snapshot import build_snapshot
from assessments.models import AnswerStatus
from assessments.services.lifecycle import assessment_count_evidence, assessment_start
from delegations.models import MemberState
from devtools.benchmarking import open_cycle, refuse_in_production

EVIDENCE = (
    "The Government adopted a national action plan in 2021 that assigns the prevention of "
    "atrocity crimes to an inter-ministerial committee chaired by the Ministry of Justice. "
    "The committee meets quarterly, reports to Parliament once a year and works with civil "
    "society organizations, the national human rights institution and the UN country team. "
    "Training on early warning was given to 240 officials in 2023 and 2024."
)


class Command(BaseCommand):
    help = (
        "Render the country report of a fully answered assessment (every Member State "
        "recommendation of the open cycle, each with a paragraph of evidence and a link) "
        "and report the time per rendering and the process's peak memory. Nothing is kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=5)
        parser.add_argument("--output", help="also write the last PDF to this file")
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _name in settings.LANGUAGES],
            help="the language of the submission, which the report is rendered in",
        )

    def handle(self, *args, runs, output, language, **options):
        refuse_in_production()
        cycle = open_cycle()
        state = MemberState.objects.order_by("name").first()
        # Submitted in that language: its labels, its direction (Arabic right to left) and
        # the catalogue's official translations into it, frozen as a submission freezes them.
        with transaction.atomic(), translation.override(language):
            snapshot = self._snapshot(cycle, state)
            transaction.set_rollback(True)  # the snapshot is plain data: nothing kept
        answers = sum(len(report["answers"]) for report in snapshot["reports"])
        timings, cpu = [], []
        for _ in range(runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            pdf = render_country_report(snapshot)
            timings.append(time.perf_counter() - start)
            # The CPU time of this process, which other work on a shared machine slows less.
            cpu.append(time.process_time() - start_cpu)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if output:
            with open(output, "wb") as file:
                file.write(pdf)
        self.stdout.write(
            f"{answers} answers, in {language}, {len(pdf) / 1024:.0f} KiB PDF, {runs} runs: "
            f"median {statistics.median(timings):.2f} s (CPU {statistics.median(cpu):.2f} s), "
            f"max {max(timings):.2f} s, "
            f"peak memory of this process {peak:.0f} MB"
        )

    def _snapshot(self, cycle, state):
        user = get_user_model().objects.create_user("benchmark-focal-point")
        assessment = state.assessments.filter(cycle=cycle).first() or assessment_start(
            member_state=state, cycle=cycle, started_by=user
        )
        statuses = [
            AnswerStatus.IMPLEMENTED,
            AnswerStatus.PARTIALLY_IMPLEMENTED,
            AnswerStatus.NOT_STARTED,
        ]
        for index, answer in enumerate(assessment.answers.order_by("pk")):
            answer.status = statuses[index % 3]
            answer.evidence = EVIDENCE
            answer.links = [f"https://www.example.org/national-action-plan/{index}"]
            answer.save(update_fields=["status", "evidence", "links"])
        assessment_count_evidence(assessment=assessment)  # written in bulk, not saved
        return build_snapshot(
            assessment=assessment, submitted_by=user, submitted_at=timezone.now(), number=1
        )
