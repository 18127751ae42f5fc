"""The secretariat maintains the catalogue in the admin, including new reports."""

import pytest
from django.urls import reverse

from catalogue.models import Recommendation, Report, Section

pytestmark = pytest.mark.django_db


def inline_management(prefix, total=1, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_secretariat_adds_a_2025_report_with_its_sections(client, secretariat, targets):
    client.force_login(secretariat)
    data = {
        "number": "17",
        "year": "2025",
        "symbol": "A/79/900-S/2025/350",
        "title": "A new report",
        "focus": "What comes next.",
        **inline_management("sections"),
        **inline_management("translations", total=0),
        "sections-0-target": targets["MS"].pk,
        "sections-0-paragraphs": "10–12",
    }

    response = client.post(reverse("admin:catalogue_report_add"), data)

    assert response.status_code == 302, response.context["errors"]
    report = Report.objects.get(year=2025)
    assert report.sections.get().paragraphs == "10–12"


def test_new_recommendations_get_their_code_from_year_target_and_position(
    client, secretariat, make_report
):
    report = make_report(2025, per_target=0, codes=("MS",))
    section = report.sections.get()
    client.force_login(secretariat)
    data = {
        "report": report.pk,
        "target": section.target.pk,
        "paragraphs": section.paragraphs,
        **inline_management("recommendations", total=2),
        "recommendations-0-position": "1",
        "recommendations-0-text": "Adopt a national strategy.",
        "recommendations-1-position": "2",
        "recommendations-1-text": "Report on it.",
    }

    response = client.post(reverse("admin:catalogue_section_change", args=[section.pk]), data)

    assert response.status_code == 302
    assert list(section.recommendations.values_list("code", "text")) == [
        ("2025-MS-01", "Adopt a national strategy."),
        ("2025-MS-02", "Report on it."),
    ]


def test_a_taken_code_is_refused_with_a_message_and_nothing_saved(client, secretariat, make_report):
    report = make_report(2025, per_target=2, codes=("MS",))
    recommendation = Recommendation.objects.get(code="2025-MS-02")
    recommendation.position = 5  # moved; its code stays 2025-MS-02
    recommendation.save()
    client.force_login(secretariat)

    response = client.post(
        reverse("admin:catalogue_recommendation_add"),
        {
            "section": report.sections.get().pk,
            "position": "2",
            "text": "Another one.",
            **inline_management("translations", total=0),
        },
    )

    assert response.status_code == 200
    assert "The code 2025-MS-02 is already taken" in response.content.decode()
    assert Recommendation.objects.filter(section__report=report).count() == 2


def test_codes_never_change_when_a_recommendation_moves(client, secretariat, make_report):
    make_report(2025, per_target=1, codes=("MS",))
    recommendation = Recommendation.objects.get(code="2025-MS-01")
    client.force_login(secretariat)

    client.post(
        reverse("admin:catalogue_recommendation_change", args=[recommendation.pk]),
        {
            "section": recommendation.section_id,
            "position": "4",
            "text": recommendation.text,
            **inline_management("translations", total=0),
        },
    )

    recommendation.refresh_from_db()
    assert (recommendation.position, recommendation.code) == (4, "2025-MS-01")


def test_admin_lists_run_a_constant_number_of_queries(
    client, secretariat, make_report, django_assert_max_num_queries
):
    for year in range(2009, 2014):
        make_report(year, per_target=10, codes=("MS", "UN", "CS"))
    client.force_login(secretariat)
    for name in ("report", "section", "recommendation"):
        with django_assert_max_num_queries(12):
            response = client.get(reverse(f"admin:catalogue_{name}_changelist"))
        assert response.status_code == 200
    assert Section.objects.count() == 15


def test_delegates_cannot_edit_the_catalogue(client, focal_point_norway):
    client.force_login(focal_point_norway)
    response = client.get(reverse("admin:catalogue_report_changelist"))
    assert response.status_code == 302
