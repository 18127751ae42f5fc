import statistics
import time

from django.core.management.base import BaseCommand

from assessments.documents.snapshot import unprintable_parts
from devtools.benchmarking import refuse_in_production
from r2p_site.fonts import unprintable

# Evidence as delegations may type it: every script the report prints, mixed.
SAMPLE = (
    "Côte d'Ivoire, Türkiye, São Tomé. قانون حماية السكان. 保护责任国家协调人. "
    "保護する責任の担当者. 보호책임 담당관. Закон о защите. Ελληνική Δημοκρατία.\n"
)


class Command(BaseCommand):
    help = (
        "Time the check that a country report can print every character of its snapshot "
        "(r2p_site/fonts.py) on 153 answers of 10,000 characters each, in every script."
    )

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=5)
        parser.add_argument("--chars", type=int, default=10_000)

    def handle(self, *args, runs, chars, **options):
        refuse_in_production()
        start = time.perf_counter()
        unprintable("é")  # reads the fonts' character maps, once per process
        loading = time.perf_counter() - start
        evidence = (SAMPLE * (chars // len(SAMPLE) + 1))[:chars]
        snapshot = {
            "member_state": {"name": "Türkiye"},
            "cycle": {"name": "2025 debate"},
            "submission": {"submitted_by": "focal.point"},
            "reports": [
                {
                    "year": 2009 + r,
                    "title": f"Report {r}",
                    "answers": [
                        {
                            "code": f"{2009 + r}-MS-{a:02d}",
                            "text": "Recommendation text.",
                            "evidence": evidence,
                            "links": ["https://example.org/law"],
                            "attachments": [{"name": "law.pdf"}],
                            "updated_by": "focal.point",
                        }
                        for a in range(1, 11 if r < 15 else 4)
                    ],
                }
                for r in range(16)
            ],
        }
        answers = sum(len(report["answers"]) for report in snapshot["reports"])
        timings = []
        for _ in range(runs):
            start = time.perf_counter()
            problems = unprintable_parts(snapshot)
            timings.append(time.perf_counter() - start)
        assert not problems, problems
        self.stdout.write(
            f"{answers} answers of {chars:,} characters: median "
            f"{statistics.median(timings) * 1000:.1f} ms, max {max(timings) * 1000:.1f} ms; "
            f"loading the fonts' coverage once per process: {loading * 1000:.0f} ms"
        )
