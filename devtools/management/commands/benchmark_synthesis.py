import io
import resource
import statistics
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from assessments.models import (
    AnswerStatus,
    Assessment,
    AssessmentStatus,
    Cycle,
    Publication,
    Submission,
)
from catalogue.models import Recommendation
from delegations.models import MemberState
from devtools.benchmarking import refuse_in_production
from devtools.demo import DEMO_CYCLE_CODE
from opendata.synthesis.documents import render_synthesis_pdf
from opendata.synthesis.selectors import cycle_synthesis

STATUSES = [
    AnswerStatus.IMPLEMENTED,
    AnswerStatus.PARTIALLY_IMPLEMENTED,
    AnswerStatus.NOT_STARTED,
    AnswerStatus.NOT_ANSWERED,
]
EVIDENCE = (
    "The Government adopted a national action plan that assigns the prevention of atrocity "
    "crimes to an inter-ministerial committee, which reports to Parliament every year."
)


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Time the synthesis of the demo cycle with every Member State's submission accepted "
        "(`--published` of them published): the figures of both audiences, the public page, "
        "and the synthesis report PDF in each language asked for. Everything it writes is "
        "rolled back; refused in production. Run load_reference_data and load_demo first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=3)
        parser.add_argument("--published", type=int, default=120)
        parser.add_argument(
            "--languages",
            default=",".join(code for code, _name in settings.LANGUAGES),
            help="comma-separated language codes",
        )

    def handle(self, *args, runs, published, languages, **options):
        refuse_in_production()
        cycle = Cycle.objects.filter(code=DEMO_CYCLE_CODE).first()
        if cycle is None or not MemberState.objects.exists():
            raise CommandError("Load the demo first: manage.py load_reference_data, load_demo")
        try:
            with transaction.atomic():
                self._seed(cycle, published)
                self._measure(cycle, runs, languages.split(","))
                raise Rollback
        except Rollback:
            pass

    def _seed(self, cycle, published):
        user, _created = get_user_model().objects.get_or_create(username="benchmark-synthesis")
        recommendations = list(
            Recommendation.objects.for_member_states()
            .filter(section__report__cycles=cycle)
            .in_catalogue_order()
            .values_list("code", "section__report__year", "section__report__title")
        )
        states = list(MemberState.objects.exclude(assessments__cycle=cycle).order_by("name"))
        for index, state in enumerate(states):
            reports: dict[int, dict] = {}
            for position, (code, year, title) in enumerate(recommendations):
                reports.setdefault(
                    year, {"number": year - 2008, "year": year, "title": title, "answers": []}
                )["answers"].append(
                    {
                        "code": code,
                        "status": STATUSES[(index + position) % len(STATUSES)],
                        "evidence": EVIDENCE,
                        "links": ["https://example.org/plan"],
                        "attachments": [],
                    }
                )
            assessment = Assessment.objects.create(
                member_state=state, cycle=cycle, status=AssessmentStatus.ACCEPTED
            )
            submission = Submission.objects.create(
                assessment=assessment,
                number=1,
                submitted_by=user,
                snapshot={
                    "format": 2,
                    "language": "en",
                    "member_state": {
                        "name": state.name,
                        "iso3": state.iso3,
                        "regional_group": state.regional_group,
                    },
                    "reports": list(reports.values()),
                },
            )
            if index < published:
                Publication.objects.create(submission=submission, published_by=user)
        self.stdout.write(
            f"{len(states)} States x {len(recommendations)} recommendations, "
            f"{min(published, len(states))} published"
        )

    def _measure(self, cycle, runs, languages):
        def timed(label, action):
            times = []
            for _run in range(runs):
                start = time.perf_counter()
                result = action()
                times.append(time.perf_counter() - start)
            self.stdout.write(
                f"{label}: median {statistics.median(times):.3f} s, max {max(times):.3f} s"
            )
            return result

        for audience in ("public", "secretariat"):
            timed(
                f"figures, {audience}", lambda audience=audience: cycle_synthesis(cycle, audience)
            )
        client = Client(HTTP_HOST="localhost")
        url = reverse("opendata:synthesis") + f"?cycle={cycle.code}"
        timed("public page", lambda: client.get(url))
        for language in languages:
            with translation.override(language):
                synthesis = cycle_synthesis(cycle, "public")
            pdf = timed(
                f"synthesis report PDF, {language}",
                lambda synthesis=synthesis, language=language: render_synthesis_pdf(
                    cycle, synthesis, language=language
                ),
            )
            pages = len(PdfReader(io.BytesIO(pdf)).pages)
            self.stdout.write(f"  {pages} pages, {len(pdf) // 1024} KiB")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        self.stdout.write(f"peak resident memory of the process: {peak} MB")
