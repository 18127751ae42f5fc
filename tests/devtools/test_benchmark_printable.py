"""The benchmark of the check that a report can print its snapshot times a full one."""

import io

from django.core.management import call_command


def test_the_printable_benchmark_times_153_answers_in_every_script():
    output = io.StringIO()

    call_command("benchmark_printable", runs=1, chars=500, stdout=output)

    assert output.getvalue().startswith("153 answers of 500 characters: median ")
