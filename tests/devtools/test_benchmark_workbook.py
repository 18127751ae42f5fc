"""The workbook benchmark validates a full edited workbook, reads the worst one the bounds
accept, and refuses a huge one and padded ones."""

import io

import pytest
from django.core.management import call_command

from assessments.models import AnswerChange, Assessment

pytestmark = pytest.mark.django_db


def test_the_workbook_benchmark_validates_every_row_and_refuses_the_big_sheet(cycle, norway):
    output = io.StringIO()

    call_command(
        "benchmark_workbook",
        runs=1,
        big_rows=2_000,
        padded_cells=40_000,
        shared_strings=40_000,
        worst_text=100_000,
        stdout=output,
    )

    report = output.getvalue()
    assert "full workbook: 5 rows changed" in report
    assert "apply: 5 answers saved" in report
    assert "2,000-row sheet, declared size" in report
    assert "2,000-row sheet, no declared size" in report
    assert report.count("The sheet has more than 1010 rows") == 2
    assert "NOT REFUSED" not in report
    for workbook_format in (".xlsx", ".ods"):
        assert f"worst workbook accepted ({workbook_format}" in report
    # Five answers at the limits of one answer each are still within the totals.
    assert report.count("accepted, 5 answers changed") == 4
    assert "padded with 40,000 empty cells" in report
    assert "The workbook has more than 30000 cells" in report
    assert "The workbook has more than 30000 different texts" in report
    assert not Assessment.objects.exists() and not AnswerChange.objects.exists()
