"""The API benchmark times lists, details, a 304 and a download against the empty page,
on the real catalogue, keeping nothing."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from catalogue.models import RecommendationTranslation
from opendata.models import ApiRateWindow
from tests.catalogue.conftest import real_catalogue, targets  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_api_benchmark_times_each_answer_against_the_empty_page_and_keeps_nothing(
    real_catalogue,  # noqa: F811
):
    output = io.StringIO()

    call_command("benchmark_api", runs=2, stdout=output)

    lines = output.getvalue().splitlines()
    timed = [line for line in lines if " cpu " in line]
    assert len(timed) == 21  # two baselines, the HTML catalogue page and 18 of the API
    assert all(line.endswith("queries") for line in timed)
    not_modified = next(line for line in timed if "304" in line)
    assert not_modified.endswith(" 2 queries")  # the throttle's count and the version
    assert not RecommendationTranslation.objects.exists()
    assert not ApiRateWindow.objects.exists()


def test_the_api_benchmark_wants_the_real_catalogue(db):
    with pytest.raises(CommandError, match="load_reference_data"):
        call_command("benchmark_api", runs=2, stdout=io.StringIO())
