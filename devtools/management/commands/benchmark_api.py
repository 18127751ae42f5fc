import statistics
import time
from unittest import mock

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import include, path
from rest_framework.throttling import AnonRateThrottle

from catalogue.models import Recommendation, RecommendationTranslation, translation_languages
from devtools.benchmarking import refuse_in_production
from opendata.api.caching import ANSWERS
from opendata.api.rows import clear_indexes

from .benchmark_pages import empty_page, empty_view

# The baselines for an anonymous client (the API's are), served only while the
# benchmark runs; the site's URLconf read now, before the override names this one.
urlpatterns = [
    path("benchmark/empty-view/", login_not_required(empty_view)),
    path("benchmark/empty-page/", login_not_required(empty_page)),
    path("", include(settings.ROOT_URLCONF)),
]


class DrfAnonThrottle(AnonRateThrottle):
    """DRF's own, for comparison with the site's windows (opendata/api/throttling.py)."""

    rate = "1000000/min"


class Command(BaseCommand):
    help = (
        "Time the public API's lists and details, a conditional GET answered 304 and a "
        "download, against the near-empty view and page of benchmark_pages, in this "
        "process, on the configured database with the real catalogue (load_reference_data) "
        "and a translation of every recommendation into the five other languages (made "
        "here and rolled back)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=50, help="requests per page (default 50)")

    def handle(self, *args, runs, **options):
        refuse_in_production()
        if Recommendation.objects.count() < 400:
            raise CommandError("Load the reference data first: manage.py load_reference_data")
        with (
            transaction.atomic(),
            override_settings(
                ROOT_URLCONF=__name__,
                # The throttle counts, as in production, but never refuses here.
                API_ANON_RATE="1000000/min",
            ),
        ):
            self._translate_everything()
            self._run(runs)
            transaction.set_rollback(True)

    def _translate_everything(self):
        recommendations = list(Recommendation.objects.values_list("pk", "text"))
        RecommendationTranslation.objects.bulk_create(
            [
                RecommendationTranslation(
                    recommendation_id=pk, language=language, text=f"[{language}] {text}"
                )
                for pk, text in recommendations
                for language, _name in translation_languages()
            ],
            ignore_conflicts=True,
        )

    def _run(self, runs):
        # A script's client: no cookie, so no session.
        client = Client(HTTP_HOST="localhost")
        recommendations = "/api/v1/recommendations/"
        current = client.get(recommendations)
        etag = current["ETag"]
        code = Recommendation.objects.order_by("pk").values_list("code", flat=True)[10]

        def drf_throttled():
            with mock.patch(
                "opendata.api.views.RecommendationList.throttle_classes", [DrfAnonThrottle]
            ):
                return client.get(recommendations)

        def new_address(request):
            # Untimed: no answer kept for this address (another filter, page or search).
            return (request, ANSWERS.clear)

        def first_after_a_change(request):
            # Untimed: nothing kept at all, as after a change of the catalogue.
            return (request, lambda: (ANSWERS.clear(), clear_indexes(), cache.clear()))

        pages = [
            ("empty view (HttpResponse)", lambda: client.get("/benchmark/empty-view/")),
            ("empty page in the site layout", lambda: client.get("/benchmark/empty-page/")),
            (
                "catalogue page: recommendations (HTML, 50)",
                lambda: client.get("/catalogue/recommendations/"),
            ),
            ("api: recommendations, page 1 of 50", lambda: client.get(recommendations)),
            (
                "api: recommendations, page of 200",
                lambda: client.get(recommendations, {"page_size": 200}),
            ),
            (
                "api: recommendations, search in French",
                lambda: client.get(recommendations, {"q": "prevention", "lang": "fr"}),
            ),
            (
                "api: recommendations, 304 (If-None-Match)",
                lambda: client.get(recommendations, headers={"If-None-Match": etag}),
                304,
            ),
            ("api: one recommendation", lambda: client.get(f"{recommendations}{code}/")),
            ("api: reports (16)", lambda: client.get("/api/v1/reports/")),
            ("api: Member States (193)", lambda: client.get("/api/v1/member-states/")),
            (
                "download: recommendations-fr.csv",
                lambda: client.get("/api/v1/downloads/recommendations-fr.csv"),
            ),
            (
                "new address: recommendations, page 1 of 50",
                *new_address(lambda: client.get(recommendations)),
            ),
            (
                "new address: recommendations, page of 200",
                *new_address(lambda: client.get(recommendations, {"page_size": 200})),
            ),
            (
                "new address: recommendations, year 2013",
                *new_address(lambda: client.get(recommendations, {"year": 2013})),
            ),
            (
                "new address: search in French",
                *new_address(
                    lambda: client.get(recommendations, {"q": "prevention", "lang": "fr"})
                ),
            ),
            (
                "new address: one recommendation",
                *new_address(lambda: client.get(f"{recommendations}{code}/")),
            ),
            ("new address: reports (16)", *new_address(lambda: client.get("/api/v1/reports/"))),
            (
                "new address: Member States (193)",
                *new_address(lambda: client.get("/api/v1/member-states/")),
            ),
            ("new address: DRF's throttle instead", *new_address(drf_throttled)),
            (
                "after a change: recommendations, page 1 of 50",
                *first_after_a_change(lambda: client.get(recommendations)),
            ),
            (
                "after a change: recommendations-fr.csv built",
                *first_after_a_change(
                    lambda: client.get("/api/v1/downloads/recommendations-fr.csv")
                ),
            ),
        ]
        self.stdout.write(
            f"{connection.vendor}, {runs} runs each: median and 90th percentile in ms, "
            "median CPU time of this process in ms, median as a multiple of the empty view "
            "and of the empty page, queries\n"
        )
        baselines = []
        for label, request, *options in pages:
            prepare = options[0] if options and callable(options[0]) else (lambda: None)
            expected = options[0] if options and not callable(options[0]) else 200
            timings, cpu, queries = self._measure(request, runs, prepare, expected)
            median = statistics.median(timings)
            if len(baselines) < 2:
                baselines.append(median)
            p90 = statistics.quantiles(timings, n=10)[-1]
            ratios = "  ".join(f"x{median / baseline:5.1f}" for baseline in baselines)
            self.stdout.write(
                f"{label:45} {median:7.2f} {p90:7.2f}  cpu {statistics.median(cpu):6.2f}  "
                f"{ratios:14} {queries} queries"
            )

    def _measure(self, request, runs, prepare, expected):
        for _ in range(3):
            prepare()
            self._check(request(), expected)
        timings, cpu = [], []
        for _ in range(runs):
            prepare()
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                start, start_cpu = time.perf_counter(), time.process_time()
                result = request()
                cpu.append((time.process_time() - start_cpu) * 1000)
                timings.append((time.perf_counter() - start) * 1000)
            self._check(result, expected)
        return timings, cpu, len(captured)

    def _check(self, result, expected):
        if result.status_code != expected:
            raise CommandError(
                f"{result.request['PATH_INFO']} answered {result.status_code}, not {expected}"
            )
