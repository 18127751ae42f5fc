import io
import re
import statistics
import time
import tracemalloc
import zipfile
from functools import partial

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from openpyxl import load_workbook

from assessments import limits
from assessments.models import AnswerStatus
from assessments.services.lifecycle import assessment_count_evidence, assessment_start
from assessments.services.workbook import workbook_apply
from assessments.workbook.download import build_workbook
from assessments.workbook.layout import FIRST_ANSWER_ROW
from assessments.workbook.refusals import WorkbookRefused
from assessments.workbook.upload import plan_changes, read_workbook
from delegations.models import Member, MemberState
from devtools import workbook_shapes
from devtools.benchmarking import open_cycle, refuse_in_production

EVIDENCE = (
    "The Government adopted a national action plan in 2021 that assigns the prevention of "
    "atrocity crimes to an inter-ministerial committee chaired by the Ministry of Justice."
)


class Command(BaseCommand):
    help = (
        "Time the validation of an uploaded workbook of a fully answered assessment (every "
        "Member State recommendation of the open cycle, each row edited as a ministry "
        "would); the reading of the worst workbook the bounds accept, as .xlsx and .ods; "
        "and the refusal of a sheet of 50,000 rows, of a workbook padded with millions of "
        "empty cells and of one with 1.6 million shared strings; with peak memory. "
        "Nothing is kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=5)
        parser.add_argument("--big-rows", type=int, default=50_000)
        parser.add_argument("--padded-cells", type=int, default=1_800_000)
        parser.add_argument("--shared-strings", type=int, default=1_600_000)
        parser.add_argument(
            "--worst-text",
            type=int,
            default=limits.WORKBOOK_MAX_UNPACKED_BYTES * 8 // 10,
            help="characters of padding text in the worst workbook (default: 80%% of the "
            "bound on its unpacked size, the rest for its markup)",
        )

    def handle(self, *args, runs, big_rows, padded_cells, shared_strings, worst_text, **options):
        refuse_in_production()
        cycle = open_cycle()
        state = MemberState.objects.order_by("name").first()
        with transaction.atomic():
            user = get_user_model().objects.create_user("benchmark-workbook")
            Member.objects.create(user=user, member_state=state, role=Member.Role.FOCAL_POINT)
            assessment = state.assessments.filter(cycle=cycle).first() or assessment_start(
                member_state=state, cycle=cycle, started_by=user
            )
            assessment.answers.update(
                status=AnswerStatus.PARTIALLY_IMPLEMENTED,
                evidence=EVIDENCE,
                links=["https://example.org/plan"],
                version=1,
            )
            assessment_count_evidence(assessment=assessment)
            assessment.refresh_from_db()
            start = time.perf_counter()
            downloaded = build_workbook(assessment=assessment)
            export_time = time.perf_counter() - start
            edited = self._edit_every_row(downloaded)
            timings, plan = [], None
            for _ in range(runs):
                start = time.perf_counter()
                plan = read_workbook(data=edited, filename="b.xlsx", assessment=assessment)
                changes = plan_changes(assessment=assessment, plan=plan)
                timings.append(time.perf_counter() - start)
            self.stdout.write(
                f"full workbook: {len(changes)} rows changed, {len(edited) / 1024:.0f} KiB; "
                f"download built in {export_time * 1000:.0f} ms; validation and preview, "
                f"{runs} runs: median {statistics.median(timings) * 1000:.0f} ms, "
                f"max {max(timings) * 1000:.0f} ms"
            )
            start = time.perf_counter()
            saved = workbook_apply(
                assessment=assessment,
                plan=plan,
                seen_versions={change.code: change.current_version for change in changes},
                take_workbook=set(),
                user=user,
            )
            self.stdout.write(
                f"apply: {saved} answers saved with their history in "
                f"{(time.perf_counter() - start) * 1000:.0f} ms"
            )
            big = self._big(downloaded, big_rows)
            for label, data in (
                ("declared size", big),
                # A sheet that hides its size is read row by row up to the bound.
                ("no declared size", _without_dimension(big)),
            ):
                self._refusal(f"{big_rows:,}-row sheet, {label}", data, assessment)
            self._worst(assessment, downloaded, runs, worst_text)
            self._refusal(
                f"padded with {padded_cells:,} empty cells",
                workbook_shapes.padded_with_empty_cells(downloaded, padded_cells),
                assessment,
            )
            self._refusal(
                f"{shared_strings:,} shared strings",
                workbook_shapes.with_shared_strings(downloaded, shared_strings),
                assessment,
            )
            transaction.set_rollback(True)

    def _worst(self, assessment, downloaded: bytes, runs: int, text: int):
        """The worst workbooks the bounds let a parser read, as .xlsx and .ods, every
        count near its bound: one accepted, every answer changed up to the assessment's
        totals; one read in full and refused at the end, every answer at the limits of
        one answer (over the totals together)."""
        answers = list(
            assessment.answers.select_related(
                "recommendation__section__report"
            ).in_catalogue_order()
        )
        for shape, within_totals in (("accepted", True), ("read", False)):
            sheets, padding = workbook_shapes.worst_rows(
                assessment=assessment,
                answers=answers,
                unpacked_bytes=text,
                within_totals=within_totals,
            )
            for label, build in (
                (".xlsx", partial(workbook_shapes.as_xlsx, downloaded, sheets)),
                (".ods", partial(workbook_shapes.as_ods, sheets)),
            ):
                data = workbook_shapes.fill_elements(build, padding)
                self._time_worst(f"worst workbook {shape} ({label}", data, assessment, runs)

    def _time_worst(self, label: str, data: bytes, assessment, runs: int):
        counts, unpacked = workbook_shapes.measure(data)
        wall, cpu = [], []
        for _ in range(runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            result = _read(data, assessment)
            wall.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        tracemalloc.start()
        _read(data, assessment)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        self.stdout.write(
            f"{label}, {len(data) / 1024:,.0f} KiB, unpacks to {unpacked / 1024 / 1024:.1f} "
            f"MiB; {counts.cells:,} cells, {counts.strings:,} shared strings, "
            f"{counts.elements:,} XML elements): {result}; read in median "
            f"{statistics.median(wall) * 1000:.0f} ms (CPU {statistics.median(cpu) * 1000:.0f} "
            f"ms), max {max(wall) * 1000:.0f} ms, {runs} runs; peak Python memory "
            f"{peak / 1024 / 1024:.1f} MiB"
        )

    def _refusal(self, label, data, assessment):
        tracemalloc.start()
        start = time.perf_counter()
        try:
            read_workbook(data=data, filename="big.xlsx", assessment=assessment)
        except WorkbookRefused as refused:
            message = str(refused.errors[0])
        else:
            message = "NOT REFUSED"
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        unpacked = sum(item.file_size for item in zipfile.ZipFile(io.BytesIO(data)).infolist())
        self.stdout.write(
            f"{label} ({len(data) / 1024:,.0f} KiB, unpacks to {unpacked / 1024 / 1024:.1f} "
            f"MiB): refused in {elapsed * 1000:.0f} ms, peak Python memory "
            f"{peak / 1024 / 1024:.1f} MiB: {message}"
        )

    def _edit_every_row(self, data: bytes) -> bytes:
        book = load_workbook(io.BytesIO(data))
        sheet = book.worksheets[0]
        for row in range(FIRST_ANSWER_ROW, sheet.max_row + 1):
            sheet.cell(row, 5).value = str(AnswerStatus.IMPLEMENTED.label)
            sheet.cell(row, 6).value = f"{EVIDENCE} Updated by the ministry, row {row}."
        return _save(book)

    def _big(self, data: bytes, rows: int) -> bytes:
        book = load_workbook(io.BytesIO(data))
        sheet = book.worksheets[0]
        for row in range(sheet.max_row + 1, rows + FIRST_ANSWER_ROW):
            sheet.cell(row, 1, f"X-{row}")
            sheet.cell(row, 6, EVIDENCE)
        return _save(book)


def _read(data: bytes, assessment) -> str:
    try:
        plan = read_workbook(data=data, filename="worst", assessment=assessment)
    except WorkbookRefused as refused:
        return f"REFUSED: {refused.errors[0]}"
    return f"accepted, {len(plan['rows'])} answers changed"


def _without_dimension(data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            content = source.read(name)
            if name.startswith("xl/worksheets/"):
                content = re.sub(rb"<dimension [^>]*/>", b"", content)
            target.writestr(name, content)
    return buffer.getvalue()


def _save(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
