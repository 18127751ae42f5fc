import statistics
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from devtools.benchmarking import open_cycle, refuse_in_production, signed_in_client


class Command(BaseCommand):
    help = (
        "Time the secretariat's assessments list and global overview (page and PDF) on the "
        "data in the database, as a secretariat user; run seed_benchmark_assessments first "
        "for the 193-State figures. Nothing is kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=10)

    def handle(self, *args, runs, **options):
        refuse_in_production()
        with transaction.atomic():
            self._run(open_cycle(), runs)
            transaction.set_rollback(True)  # the secretariat user is not kept

    def _run(self, cycle, runs):
        user = get_user_model().objects.create_user("benchmark-secretariat", is_staff=True)
        user.groups.add(Group.objects.get(name="Secretariat"))
        client = signed_in_client(user)
        changelist = reverse("admin:assessments_assessment_changelist")
        overview = reverse("admin:assessments_overview")
        pages = [
            ("assessments list", changelist, {}),
            (
                "assessments list, cycle and status filters",
                changelist,
                {"cycle__id__exact": cycle.pk, "status__exact": "submitted"},
            ),
            ("assessments list, search", changelist, {"q": "republic"}),
            ("global overview, submitted", overview, {"cycle": cycle.code}),
            ("global overview, all", overview, {"cycle": cycle.code, "scope": "all"}),
            (
                "global overview as PDF",
                reverse("admin:assessments_overview_pdf"),
                {"cycle": cycle.code},
            ),
        ]
        reviewed = cycle.assessments.order_by("member_state__name").first()
        if reviewed is not None:
            pages.append(
                (
                    f"review page, {reviewed.answers.count()} answers",
                    reverse("admin:assessments_assessment_change", args=[reviewed.pk]),
                    {},
                )
            )
        answers = cycle.assessments.values("answers").count()
        self.stdout.write(
            f"{connection.vendor}: {cycle.assessments.count()} assessments, {answers} answers; "
            f"{runs} runs each: median and max in ms, queries\n"
        )
        for label, url, params in pages:
            timings, queries = [], 0
            for _ in range(runs + 1):
                with CaptureQueriesContext(connection) as captured:
                    start = time.perf_counter()
                    result = client.get(url, params)
                    elapsed = (time.perf_counter() - start) * 1000
                if result.status_code != 200:
                    raise CommandError(f"{url} answered {result.status_code}")
                timings.append(elapsed)
                queries = len(captured)
            timings = timings[1:]  # the first warms caches
            self.stdout.write(
                f"{label:45} {statistics.median(timings):8.1f} {max(timings):8.1f}  "
                f"{queries} queries"
            )
