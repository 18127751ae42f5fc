"""Dates in each language's own format, times on the 24-hour clock of UTC, the zone named."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from assessments.models import utc_display

MOMENT = datetime.datetime(2025, 6, 25, 21, 5, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("en", "25 June 2025, 21:05 UTC"),
        ("fr", "25 juin 2025 21:05 UTC"),
        ("es", "25 de junio de 2025 a las 21:05 UTC"),
        ("ru", "25 июня 2025 г. 21:05 UTC"),
        ("zh-hans", "2025年6月25日 21:05 UTC"),
        ("ar", "25 يونيو، 2025، 21:05 بالتوقيت العالمي المنسق (UTC)"),
    ],
)
def test_a_moment_is_shown_in_the_languages_format_in_utc(language, shown):
    with translation.override(language):
        assert utc_display(MOMENT) == shown


@pytest.mark.parametrize(
    ("language", "shown"),
    [("en", "25 June 2025 · 25 Jun · 21:05"), ("ar", "25 يونيو، 2025 · 25 يونيو · 21:05")],
)
def test_templates_name_formats_not_patterns(language, shown):
    template = Template(
        '{{ moment|date:"DATE_FORMAT" }} · {{ moment|date:"MONTH_DAY_FORMAT" }} · '
        '{{ moment|date:"TIME_FORMAT" }}'
    )
    with translation.override(language):
        assert template.render(Context({"moment": MOMENT})) == shown
