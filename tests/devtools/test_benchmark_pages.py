"""The pages benchmark times each page, and a save's wall and CPU time, keeping nothing."""

import io

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from assessments.models import AnswerChange, Submission
from delegations.models import Member

pytestmark = pytest.mark.django_db


def test_the_pages_benchmark_reports_wall_and_cpu_time_of_saves_and_submits_and_keeps_nothing(
    cycle, norway, focal_point_norway
):
    output = io.StringIO()

    call_command("benchmark_pages", runs=2, stdout=output)

    lines = output.getvalue().splitlines()
    autosave = next(line for line in lines if line.startswith("assessment: one autosave"))
    assert " cpu " in autosave and autosave.endswith("queries")
    submit = next(line for line in lines if line.startswith("assessment: submit (PDF queued)"))
    assert " cpu " in submit and submit.endswith("queries")
    assert sum(" cpu " in line for line in lines) == 9  # two baselines and seven pages
    assert cycle.assessments.count() == 0
    assert not Submission.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert not AnswerChange.objects.exists()
    assert list(Member.objects.values_list("user__username", flat=True)) == ["nora"]
