"""The threshold is set from the environment, and a threshold that protects nobody is
refused when the site starts."""

import pytest

from tests.test_settings import manage


@pytest.mark.parametrize(("value", "shown"), [("", "3"), ("5", "5")])
def test_the_threshold_comes_from_the_environment(value, shown):
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SYNTHESIS_MIN_STATES)",
        SYNTHESIS_MIN_STATES=value,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == shown


@pytest.mark.parametrize("value", ["1", "0", "-3", "three"])
def test_a_threshold_below_two_or_not_a_number_stops_the_site(value):
    result = manage("check", SYNTHESIS_MIN_STATES=value)
    assert result.returncode != 0
    assert "SYNTHESIS_MIN_STATES must be" in result.stderr
