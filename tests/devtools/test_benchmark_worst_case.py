"""The worst-case benchmark builds what the limits accept through the services."""

import io

import pytest
from django.core.management import call_command

from assessments import limits
from assessments.models import Attachment
from catalogue.models import RecommendationTranslation

pytestmark = pytest.mark.django_db


def test_the_worst_case_benchmark_fills_every_limit_through_the_services(
    monkeypatch, cycle, norway
):
    """Small limits, so that it runs in seconds; the figures are in docs/limits.md."""
    for name, value in [
        ("EVIDENCE_MAX_CHARS", 400),
        ("EVIDENCE_MAX_LINES", 4),
        ("ASSESSMENT_EVIDENCE_MAX_CHARS", 1000),
        ("ASSESSMENT_EVIDENCE_MAX_LINES", 10),
        ("LINKS_MAX", 2),
        ("ASSESSMENT_LINKS_MAX", 3),
        ("FILES_MAX", 2),
        ("ASSESSMENT_FILES_MAX", 3),
    ]:
        monkeypatch.setattr(limits, name, value)
    output = io.StringIO()

    call_command("benchmark_worst_case", stdout=output)

    report = output.getvalue()
    assert "long paragraphs: 1,000 characters, 3 links, 3 files" in report
    assert "long paragraphs:" in report
    for shape in ("long paragraphs", "many lines", "Chinese"):
        assert f"{shape}, longest Arabic translations:" in report
    assert report.count("PDF ") == 4
    assert report.count("delegation's workbook export") == 4
    assert not Attachment.objects.exists()  # everything rolled back
    assert not RecommendationTranslation.objects.exists()
