"""A submission freezes the official translations in its language into its snapshot;
its PDF prints them from there, never from the live catalogue."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from assessments.documents.pdf import render_country_report
from assessments.services.lifecycle import assessment_submit
from catalogue.models import Recommendation, RecommendationTranslation, ReportTranslation
from catalogue.original_texts import notice_text


def original(text: str) -> str:
    """A text in its English original, as a page in another language marks it."""
    return f'<span lang="en" dir="ltr" class="original-en">{text}</span>'


pytestmark = pytest.mark.django_db

FRENCH_TITLE = "Rapport de 2013 sur la responsabilité de protéger"
FRENCH_TEXT = "Adopter une stratégie nationale de prévention."


@pytest.fixture
def french_catalogue(catalogue):
    report = catalogue[0]
    ReportTranslation.objects.create(report=report, language="fr", title=FRENCH_TITLE)
    RecommendationTranslation.objects.create(
        recommendation=Recommendation.objects.get(code="2013-MS-01"),
        language="fr",
        text=FRENCH_TEXT,
    )
    return catalogue


def text_of(pdf: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )


def test_a_submission_in_french_freezes_the_french_translations_and_prints_them(
    french_catalogue, norway_assessment, focal_point_norway
):
    with translation.override("fr"):
        submission = assessment_submit(
            assessment=norway_assessment, submitted_by=focal_point_norway
        )
    snapshot = submission.snapshot
    [report_2013, report_2014] = snapshot["reports"]
    assert report_2013["title_translated"] == FRENCH_TITLE
    assert "title_translated" not in report_2014
    assert report_2013["answers"][0]["text_translated"] == FRENCH_TEXT
    assert "text_translated" not in report_2013["answers"][1]

    # Later changes to the live translations change nothing in what the snapshot prints.
    RecommendationTranslation.objects.update(text="Reformulé plus tard.")
    official = text_of(render_country_report(snapshot))
    assert FRENCH_TEXT in official
    assert FRENCH_TITLE in official
    assert "Reformulé plus tard." not in official
    assert "Recommendation 1 of 2013 to MS." not in official
    assert "Recommendation 2 of 2013 to MS." in official  # the English original...
    with translation.override("fr"):
        note = " ".join(notice_text().split())
    assert official.count(note) == 1  # ...said to be so, once

    # Rendered in another language, whose translations were not frozen: English, marked.
    spanish = text_of(render_country_report(snapshot, language="es"))
    assert FRENCH_TEXT not in spanish
    assert "Recommendation 1 of 2013 to MS." in spanish


def test_a_submission_in_english_freezes_no_translation(
    french_catalogue, norway_assessment, focal_point_norway
):
    with translation.override("en"):
        submission = assessment_submit(
            assessment=norway_assessment, submitted_by=focal_point_norway
        )
    assert "title_translated" not in submission.snapshot["reports"][0]
    assert all(
        "text_translated" not in answer
        for report in submission.snapshot["reports"]
        for answer in report["answers"]
    )


@pytest.mark.parametrize("per_target", [2, 12])
def test_the_answer_page_in_french_shows_translations_in_constant_queries(
    client,
    french_catalogue,
    norway_assessment,
    focal_point_norway,
    per_target,
    django_assert_num_queries,
):
    from assessments.services.lifecycle import assessment_sync_answers
    from catalogue.models import Section, recommendation_code

    section = Section.objects.get(report__year=2013, target__code="MS")
    for position in range(4, 4 + per_target):
        recommendation = Recommendation.objects.create(
            section=section,
            position=position,
            code=recommendation_code(year=2013, target_code="MS", position=position),
            text="More.",
        )
        RecommendationTranslation.objects.create(
            recommendation=recommendation, language="fr", text="Davantage."
        )
    assessment_sync_answers(assessment=norway_assessment)
    client.force_login(focal_point_norway)
    url = reverse("assessments:report_answers", args=[norway_assessment.pk, 2013])
    client.get(url, headers={"accept-language": "fr"})

    # Two more than in English (test_views): the reports' and the recommendations'
    # translations.
    with django_assert_num_queries(10 + 2):
        page = client.get(url, headers={"accept-language": "fr"}).content.decode()
    assert FRENCH_TITLE in page
    assert FRENCH_TEXT in page
    assert original("Recommendation 2 of 2013 to MS.") in page


def test_the_review_page_in_french_shows_translations(
    client, french_catalogue, norway_assessment, focal_point_norway, secretariat
):
    with translation.override("fr"):
        assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)
    client.force_login(secretariat)
    url = reverse("admin:assessments_assessment_change", args=[norway_assessment.pk])
    page = client.get(url, headers={"accept-language": "fr"}).content.decode()
    assert FRENCH_TITLE in page
    assert FRENCH_TEXT in page
    assert original("Recommendation 2 of 2013 to MS.") in page
