"""The workbook benchmark validates a full edited workbook and refuses a huge one."""

import io

import pytest
from django.core.management import call_command

from assessments.models import AnswerChange, Assessment

pytestmark = pytest.mark.django_db


def test_the_workbook_benchmark_validates_every_row_and_refuses_the_big_sheet(cycle, norway):
    output = io.StringIO()

    call_command("benchmark_workbook", runs=1, big_rows=2_000, stdout=output)

    report = output.getvalue()
    assert "full workbook: 5 rows changed" in report
    assert "apply: 5 answers saved" in report
    assert "2,000-row sheet, declared size" in report
    assert "2,000-row sheet, no declared size" in report
    assert report.count("The sheet has more than 1010 rows") == 2
    assert "NOT REFUSED" not in report
    assert not Assessment.objects.exists() and not AnswerChange.objects.exists()
