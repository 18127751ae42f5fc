"""Benchmark data for the secretariat's pages, and the benchmark that times them."""

import io

import pytest
from django.core.management import call_command

from assessments.models import Answer, AnswerStatus

pytestmark = pytest.mark.django_db


def test_benchmark_data_answers_everything_and_submits_the_first_states(cycle, norway, kenya):
    call_command("seed_benchmark_assessments", submitted=1, accepted=0, stdout=io.StringIO())
    assert cycle.assessments.count() == 2
    assert not Answer.objects.filter(status=AnswerStatus.NOT_ANSWERED).exists()
    assert list(cycle.assessments.values_list("member_state__name", "status")) == [
        ("Kenya", "submitted"),
        ("Norway", "draft"),
    ]
    output = io.StringIO()
    call_command("benchmark_secretariat", runs=1, stdout=output)
    assert "global overview, submitted" in output.getvalue()
    assert "12 queries" in output.getvalue()  # 11 for the page, 1 for the two-factor device
