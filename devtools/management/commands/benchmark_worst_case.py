import multiprocessing
import os
import random
import resource
import sys
import tempfile
import time

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import override_settings
from django.utils import timezone, translation

from assessments import limits
from assessments.documents.snapshot import build_snapshot
from assessments.models import AnswerStatus, Assessment
from assessments.selectors.exports import csv_response, xlsx_response
from assessments.services.answers import AnswerContent, answer_save, attachment_add
from assessments.services.lifecycle import assessment_start
from assessments.uploads import PDF
from assessments.workbook.download import build_workbook
from catalogue.models import (
    MAX_RECOMMENDATION_LENGTH,
    RecommendationTranslation,
    ReportTranslation,
)
from delegations.models import Member, MemberState
from devtools.benchmarking import open_cycle, refuse_in_production

# Words of the scripts delegations write in, so that shaping, bidirectional text and
# font fallback are part of the cost. Chinese takes twice the room of Latin per
# character (and no font of the project's has it), so it is a shape of its own.
WORDS = [
    "prevention",
    "atrocity",
    "crimes",
    "national",
    "mechanism",
    "early-warning",
    "focal",
    "point",
    "Rome",
    "Statute",
    "génocide",
    "crímenes",
    "Überwachung",
    "Ærøskøbing",
    "Генеральная",
    "Ассамблея",
    "предупреждение",
    "مسؤولية",
    "الحماية",
    "الإنذار",
    "المبكر",
]
CHINESE = ["保护责任", "预防暴行罪", "国家协调人", "早期预警", "罗马规约", "。"]
ARABIC = ["مسؤولية", "الحماية", "منع", "الجرائم", "الفظيعة", "الإنذار", "المبكر", "الدول"]
FILE_NAME = "Rapport national sur la prévention des atrocités criminelles " * 4
LINK = "https://www.example.org/legislation/national-action-plan/" + "section-" * 60
TEN_SECONDS, HALF_A_GIGABYTE = 10.0, 500


def text(rng: random.Random, chars: int, lines: int, words: list[str]) -> str:
    """Exactly `chars` characters of words, in `lines` lines."""
    separator = "" if words is CHINESE else " "
    room = chars - (lines - 1)  # the line breaks take one character each
    rows = []
    for index in range(lines):
        length = room // lines + (room % lines if index == lines - 1 else 0)
        row = ""
        while len(row) < length:
            row += rng.choice(words) + separator
        rows.append(row[:length])
    return "\n".join(rows)


# Each shape fills the assessment up to its limits in one way: the cost of a PDF grows
# with its lines, and a long paragraph costs more per line than short ones.
SHAPES = {
    "long paragraphs": {"lines": 1, "words": WORDS},
    # The catalogue's texts are the secretariat's input and every State's report prints
    # them: the worst accepted assessment also has every report title and recommendation
    # in the longest official translation the admin accepts, in Arabic (shaped, right to
    # left: the costliest script to lay out).
    "long paragraphs, longest Arabic translations": {
        "lines": 1,
        "words": WORDS,
        "translated": "ar",
    },
    "many lines, longest Arabic translations": {
        "lines": limits.EVIDENCE_MAX_LINES,
        "words": WORDS,
        "translated": "ar",
    },
    "Chinese, longest Arabic translations": {"lines": 1, "words": CHINESE, "translated": "ar"},
}


def _translate_catalogue(assessment, language: str, rng: random.Random) -> None:
    title_length = ReportTranslation._meta.get_field("title").max_length
    # Replaced, whatever the database holds (all of it is rolled back).
    ReportTranslation.objects.filter(language=language).delete()
    RecommendationTranslation.objects.filter(language=language).delete()
    for report in assessment.cycle.reports.all():
        ReportTranslation.objects.create(
            report=report, language=language, title=text(rng, title_length, 1, ARABIC)
        )
    RecommendationTranslation.objects.bulk_create(
        RecommendationTranslation(
            recommendation_id=pk,
            language=language,
            text=text(rng, MAX_RECOMMENDATION_LENGTH, 1, ARABIC),
        )
        for pk in assessment.answers.values_list("recommendation_id", flat=True)
    )


def _render(snapshot, queue):
    from assessments.documents.pdf import render_country_report

    # WeasyPrint logs a warning per glyph no font has (all of the Chinese shape's): the
    # logging is part of the cost measured, but not worth reading.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stderr.fileno())

    start = time.perf_counter()
    pdf = render_country_report(snapshot)
    queue.put(
        (
            time.perf_counter() - start,
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            len(pdf),
        )
    )


class Command(BaseCommand):
    help = (
        "Build the largest assessment the limits accept (through the services that "
        "enforce them: the most evidence, lines, links and files an assessment may "
        "hold), in each of its worst shapes; render its country report in a fresh "
        "process each and export it to CSV and XLSX; report times and the rendering "
        "process's peak memory. Nothing is kept. Fails if a rendering takes 10 s or "
        "more, or 500 MB."
    )

    def handle(self, *args, **options):
        refuse_in_production()
        cycle = open_cycle()
        state = MemberState.objects.order_by("name").first()
        failures = []
        for name, shape in SHAPES.items():
            snapshot, exports = self._snapshot(cycle, state, **shape)
            seconds, megabytes, size = self._measure(snapshot)
            answers = [a for report in snapshot["reports"] for a in report["answers"]]
            self.stdout.write(
                f"{name}: {sum(len(a['evidence']) for a in answers):,} characters, "
                f"{sum(len(a['links']) for a in answers)} links, "
                f"{sum(len(a['attachments']) for a in answers)} files\n"
                f"  PDF {size / 1024:.0f} KiB: {seconds:.2f} s, peak memory {megabytes:.0f} MB\n"
                + "".join(
                    f"  {kind} export {kib:.0f} KiB: {took:.2f} s\n"
                    for kind, (took, kib) in exports.items()
                )
            )
            if seconds >= TEN_SECONDS or megabytes >= HALF_A_GIGABYTE:
                failures.append(name)
        if failures:
            raise CommandError(f"Over 10 s or 500 MB: {', '.join(failures)}")

    def _measure(self, snapshot):
        # A fresh process per rendering, so that its peak memory is its own.
        context = multiprocessing.get_context("fork")
        queue = context.Queue()
        process = context.Process(target=_render, args=(snapshot, queue))
        process.start()
        result = queue.get(timeout=600)
        process.join()
        return result

    def _snapshot(self, cycle, state, *, lines, words, translated=None):
        rng = random.Random(2025)  # noqa: S311 (the same text every run, not a secret)
        with (
            tempfile.TemporaryDirectory() as media,
            override_settings(MEDIA_ROOT=media),
            translation.override(translated or "en"),
            transaction.atomic(),
        ):
            user = get_user_model().objects.create_user("benchmark-worst-case")
            # The services let only the State's own delegation write its answers.
            Member.objects.create(user=user, member_state=state, role=Member.Role.FOCAL_POINT)
            assessment = state.assessments.filter(cycle=cycle).first() or assessment_start(
                member_state=state, cycle=cycle, started_by=user
            )
            if translated:
                _translate_catalogue(assessment, translated, rng)
            self._fill(assessment, user, rng, lines=lines, words=words)
            snapshot = build_snapshot(
                assessment=assessment, submitted_by=user, submitted_at=timezone.now(), number=1
            )
            frozen = [
                a for r in snapshot["reports"] for a in r["answers"] if "text_translated" in a
            ]
            if translated and len(frozen) != assessment.answers.count():
                raise CommandError("The snapshot did not freeze every translation.")
            exports = {}
            selected = Assessment.objects.filter(pk=assessment.pk)
            for kind, export in (("CSV", csv_response), ("XLSX", xlsx_response)):
                start = time.perf_counter()
                content = export(selected, "worst", include_drafts=True).content
                exports[kind] = (time.perf_counter() - start, len(content) / 1024)
            start = time.perf_counter()
            content = build_workbook(assessment=assessment)
            exports["delegation's workbook"] = (time.perf_counter() - start, len(content) / 1024)
            transaction.set_rollback(True)
        return snapshot, exports

    def _fill(self, assessment, user, rng, *, lines, words):
        answers = list(assessment.answers.select_related("assessment__cycle").order_by("pk"))
        evidence_left = limits.ASSESSMENT_EVIDENCE_MAX_CHARS
        lines_left = limits.ASSESSMENT_EVIDENCE_MAX_LINES
        links_left = limits.ASSESSMENT_LINKS_MAX
        files_left = limits.ASSESSMENT_FILES_MAX
        for answer in answers:
            chars = min(limits.EVIDENCE_MAX_CHARS, evidence_left)
            answer_lines = min(lines, lines_left, chars // 20)
            links = min(limits.LINKS_MAX, links_left)
            content = AnswerContent(
                status=AnswerStatus.IMPLEMENTED,
                evidence=text(rng, chars, answer_lines, words) if answer_lines else "",
                links=[LINK[: limits.LINK_MAX_CHARS - 4] + f"{n:04d}" for n in range(links)],
            )
            # The services refuse anything over a limit: what renders here was accepted.
            answer_save(answer=answer, content=content, base_version=0, user=user)
            evidence_left -= len(content.evidence)
            lines_left -= limits.line_count(content.evidence)
            links_left -= links
            for n in range(min(limits.FILES_MAX, files_left)):
                upload = SimpleUploadedFile(f"{FILE_NAME[:190]}{n:02d}.pdf", b"%PDF-1.4\n")
                attachment_add(
                    answer=answer, upload=upload, checked_type=PDF, sha256=f"{n:064x}", user=user
                )
                files_left -= 1
