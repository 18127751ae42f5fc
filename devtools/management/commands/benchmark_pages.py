import statistics
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries, transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse

from assessments.models import Assessment, AssessmentStatus
from assessments.services.lifecycle import assessment_count_evidence, assessment_start
from delegations.models import Member, MemberState
from devtools.benchmarking import open_cycle, refuse_in_production, signed_in_client


def empty_view(request):
    return HttpResponse()


def empty_page(request):
    return render(request, "base.html")


# The two baselines are served only while the benchmark runs (see override_settings below).
urlpatterns = [
    path("benchmark/empty-view/", empty_view, name="benchmark_empty_view"),
    path("benchmark/empty-page/", empty_page, name="benchmark_empty_page"),
    path("", include(settings.ROOT_URLCONF)),
]


class Command(BaseCommand):
    help = (
        "Time the catalogue pages, a fully answered report page, one autosave and one "
        "submit (its PDF queued, not rendered) against a near-empty view, in this process, "
        "on the configured database. Everything the benchmark creates is rolled back."
    )

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=50, help="requests per page (default 50)")

    def handle(self, *args, runs, **options):
        refuse_in_production()
        cycle = open_cycle()
        state = MemberState.objects.order_by("name").first()
        # The submit's PDF is queued in the database as in production, whatever backend
        # the caller configured (the tests run tasks at once), and never rendered here.
        queue = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        with transaction.atomic(), override_settings(ROOT_URLCONF=__name__, TASKS=queue):
            self._run(cycle, state, runs)
            transaction.set_rollback(True)  # measured on real data, nothing kept

    def _run(self, cycle, state, runs):
        user = get_user_model().objects.create_user("benchmark-delegate")
        Member.objects.filter(member_state=state).delete()
        Member.objects.create(user=user, member_state=state, role=Member.Role.FOCAL_POINT)
        assessment = state.assessments.filter(cycle=cycle).first() or assessment_start(
            member_state=state, cycle=cycle, started_by=user
        )
        assessment.answers.update(
            status="implemented",
            evidence="A paragraph of evidence describing the measures taken. " * 8,
            links=["https://example.org/evidence"],
        )
        assessment_count_evidence(assessment=assessment)  # written in bulk, not saved
        year = cycle.reports.order_by("year").first().year
        answer = assessment.answers.filter(recommendation__section__report__year=year).first()
        client = signed_in_client(user)

        # Each accepted save is the next version (_check refuses a stale one), so the
        # version is counted here rather than read back inside the timed request.
        saved = {"version": answer.version}

        def autosave():
            prefix = f"r{answer.pk}-"
            result = client.post(
                reverse("assessments:answer_save", args=[assessment.pk, answer.pk]),
                {
                    prefix + "status": "partially_implemented",
                    prefix + "evidence": f"Evidence {time.perf_counter()}",
                    prefix + "links": "",
                    prefix + "version": saved["version"],
                },
                headers={"HX-Request": "true"},
            )
            saved["version"] += 1
            return result

        submitted = {"count": assessment.submissions.count()}

        def reopen():
            # Untimed: check that the last submit was accepted, then return the assessment
            # as the secretariat would, so that the next submit is allowed.
            if assessment.submissions.count() != submitted["count"]:
                raise CommandError("a submit was refused")
            submitted["count"] += 1
            Assessment.objects.filter(pk=assessment.pk).update(status=AssessmentStatus.RETURNED)

        def submit():
            # The task is queued on commit, as in a real request: the benchmark's outer
            # transaction never commits, so the callbacks run here, inside the timing.
            with TestCase.captureOnCommitCallbacks(execute=True):
                return client.post(
                    reverse("assessments:assessment_submit", args=[assessment.pk]),
                    {"confirm": "on"},
                )

        pages = [
            ("empty view (HttpResponse)", lambda: client.get(reverse("benchmark_empty_view"))),
            ("empty page in the site layout", lambda: client.get(reverse("benchmark_empty_page"))),
            ("catalogue: report list", lambda: client.get(reverse("catalogue:report_list"))),
            (
                "catalogue: report page",
                lambda: client.get(reverse("catalogue:report_detail", args=[year])),
            ),
            (
                "catalogue: recommendations, unfiltered",
                lambda: client.get(reverse("catalogue:recommendation_list")),
            ),
            (
                "catalogue: recommendations, search",
                lambda: client.get(reverse("catalogue:recommendation_list"), {"q": "prevention"}),
            ),
            (
                f"assessment: report {year} page, all answered",
                lambda: client.get(
                    reverse("assessments:report_answers", args=[assessment.pk, year])
                ),
            ),
            ("assessment: one autosave", autosave),
            ("assessment: submit (PDF queued)", submit, reopen),
        ]
        self.stdout.write(
            f"{connection.vendor}, {runs} runs each: median and 90th percentile in ms, "
            "median CPU time of this process in ms, median as a multiple of the empty view "
            "and of the empty page, queries\n"
        )
        baselines = []
        for label, request, *prepare in pages:
            timings, cpu, queries = self._measure(request, runs, *prepare)
            median = statistics.median(timings)
            if len(baselines) < 2:
                baselines.append(median)
            p90 = statistics.quantiles(timings, n=10)[-1]
            ratios = "  ".join(f"x{median / baseline:5.1f}" for baseline in baselines)
            self.stdout.write(
                f"{label:45} {median:7.2f} {p90:7.2f}  cpu {statistics.median(cpu):6.2f}  "
                f"{ratios:14} {queries} queries"
            )

    def _measure(self, request, runs, prepare=lambda: None):
        for _ in range(3):
            prepare()
            self._check(request())
        timings, cpu = [], []
        for _ in range(runs):
            prepare()
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                start, start_cpu = time.perf_counter(), time.process_time()
                result = request()
                cpu.append((time.process_time() - start_cpu) * 1000)
                timings.append((time.perf_counter() - start) * 1000)
            self._check(result)
        return timings, cpu, len(captured)

    def _check(self, result):
        if result.status_code == 302 and result.request["PATH_INFO"].endswith("/submit/"):
            return  # a submit answers with a redirect; reopen() checks it was accepted
        if result.status_code != 200:
            raise CommandError(f"{result.request['PATH_INFO']} answered {result.status_code}")
        if "HX-Retarget" in result.headers:
            raise CommandError(f"{result.request['PATH_INFO']} refused the save as stale")
