import io
import resource
import statistics
import time
from urllib.parse import urljoin

import tinycss2
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone, translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language_bidi

from assessments.documents.pdf import ASSETS_DIR, font_faces, html_to_pdf, render_country_report
from assessments.documents.snapshot import build_snapshot, readable
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


def bare_stylesheet() -> str:
    """The country report's own rules for fonts and the page, and nothing else: its
    @font-face rules, its rule for `html` (font family, size, line height) and its
    @page (A4 and margins), so that the bare layout sets the same text in the same
    fonts on lines and pages of the same measure."""
    path = ASSETS_DIR / "css" / "country_report.css"
    kept = [
        rule
        for rule in tinycss2.parse_stylesheet(
            path.read_text(encoding="utf-8"), skip_comments=True, skip_whitespace=True
        )
        if (rule.type == "at-rule" and rule.lower_at_keyword in ("font-face", "page"))
        or (rule.type == "qualified-rule" and tinycss2.serialize(rule.prelude).strip() == "html")
    ]
    # The fonts' addresses are relative to the stylesheet's; the bare one is in the page.
    for rule in kept:
        for token in rule.content or []:
            if token.type == "url":
                token.representation = f'url("{urljoin(path.as_uri(), token.value)}")'
    return "\n".join(rule.serialize() for rule in kept)


def bare_html(snapshot: dict) -> str:
    """The answers of a snapshot as a bare block layout, in the active language: per
    report a <h2> (year and title), per answer a <h3> (code and status) and a <p> for
    each of its paragraph references, recommendation, evidence, links and files; the
    text the report prints of them, without the report's cover, summary, contents,
    labels, margin boxes or any style but `bare_stylesheet`."""
    snapshot = readable(snapshot)
    blocks = []
    for report in snapshot["reports"]:
        blocks.append(format_html("<h2>{} {}</h2>", report["year"], report["title_shown"]))
        for answer in report["answers"]:
            texts = [
                answer["paragraphs"],
                answer["text_shown"],
                answer["evidence"],
                *answer["links"],
                *(f"{file['name']} {file['sha256']}" for file in answer["attachments"]),
            ]
            blocks.append(format_html("<h3>{} {}</h3>", answer["code"], answer["status_label"]))
            blocks.append(format_html_join("", "<p>{}</p>", ((text,) for text in texts if text)))
    return format_html(
        '<!doctype html><html lang="{}" dir="{}"><head><meta charset="utf-8">'
        "<title>{}</title><style>{}</style></head><body>{}</body></html>",
        translation.get_language(),
        "rtl" if get_language_bidi() else "ltr",
        snapshot["member_state"]["name"],
        # The project's own rules, not input: escaped, they would not be CSS.
        mark_safe(bare_stylesheet() + font_faces()),  # noqa: S308
        format_html_join("", "{}", ((block,) for block in blocks)),
    )


def page_count(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


class Command(BaseCommand):
    help = (
        "Render the country report of a fully answered assessment (every Member State "
        "recommendation of the open cycle, each with a paragraph of evidence and a link) "
        "and, alternating with it, a bare block layout of the same answers (bare_html); "
        "report the time per rendering of each, their pages, the ratio of their times and "
        "the process's peak memory. Nothing is kept."
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
        with translation.override(snapshot["language"]):
            bare = bare_html(snapshot)
        renderings = {
            "report": lambda: render_country_report(snapshot),
            "bare": lambda: html_to_pdf(bare),
        }
        # Untimed: the first rendering of a process imports WeasyPrint and loads fonts.
        renderings["bare"]()
        wall = {name: [] for name in renderings}
        cpu = {name: [] for name in renderings}
        pdfs = {}
        for run in range(runs):
            # Side by side, each first in turn: a machine shared with other work slows
            # both alike, and the ratio of one run's two renderings cancels it out.
            for name in sorted(renderings, reverse=run % 2 == 1):
                start, start_cpu = time.perf_counter(), time.process_time()
                pdfs[name] = renderings[name]()
                wall[name].append(time.perf_counter() - start)
                # The CPU time of this process, which other work on a shared machine
                # slows less.
                cpu[name].append(time.process_time() - start_cpu)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if output:
            with open(output, "wb") as file:
                file.write(pdfs["report"])
        pages = {name: page_count(pdf) for name, pdf in pdfs.items()}
        for name, label in (("report", "country report"), ("bare", "bare layout")):
            self.stdout.write(
                f"{label}: {answers} answers, in {language}, {pages[name]} pages, "
                f"{len(pdfs[name]) / 1024:.0f} KiB PDF, {runs} runs: "
                f"median {statistics.median(wall[name]):.2f} s "
                f"(CPU {statistics.median(cpu[name]):.2f} s), max {max(wall[name]):.2f} s"
            )
        ratio, cpu_ratio = (
            statistics.median(r / b for r, b in zip(times["report"], times["bare"], strict=True))
            for times in (wall, cpu)
        )
        per_page = ratio * pages["bare"] / pages["report"]
        self.stdout.write(
            f"report / bare: {ratio:.2f} (CPU {cpu_ratio:.2f}), per page {per_page:.2f}; "
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
