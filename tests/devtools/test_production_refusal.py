"""Production does not install the development tools; were it to, each command refuses."""

import io

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

COMMANDS = [
    "benchmark_api",
    "benchmark_autosave_load",
    "benchmark_pages",
    "benchmark_pdf",
    "benchmark_printable",
    "benchmark_secretariat",
    "benchmark_worst_case",
    "load_demo",
    "seed_benchmark_assessments",
]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_development_tool_refuses_to_run_in_production(settings, cycle, norway, command):
    settings.PRODUCTION = True

    with pytest.raises(CommandError, match="never run in production"):
        call_command(command, stdout=io.StringIO(), stderr=io.StringIO())

    assert cycle.assessments.count() == 0
