"""A page in another language says once that some texts await their official
translation, and marks each of them quietly: not "English original" beside every one."""

import pytest
from django.urls import reverse
from django.utils import translation

from catalogue.models import Recommendation, RecommendationTranslation
from catalogue.original_texts import notice_text

pytestmark = pytest.mark.django_db


def french_notice():
    with translation.override("fr"):
        return notice_text()


def get(client, url, language):
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_a_page_with_english_originals_says_so_once(client, catalogue):
    html = get(client, reverse("catalogue:report_detail", args=[2013]), "fr")
    originals = Recommendation.objects.filter(section__report__year=2013).count()
    assert originals >= 2
    assert html.count('class="original-en"') >= originals
    assert html.count(french_notice()) == 1
    assert "English original" not in html.replace(french_notice(), "")
    # The notice stands before the texts it speaks of.
    assert html.index(french_notice()) < html.index('class="original-en"')


def test_a_page_whose_texts_are_all_translated_has_no_notice(client, catalogue):
    report = catalogue[0]
    report.translations.create(language="fr", title="Rapport")
    for recommendation in Recommendation.objects.filter(section__report=report):
        RecommendationTranslation.objects.create(
            recommendation=recommendation, language="fr", text=f"Texte {recommendation.code}"
        )
    html = get(client, reverse("catalogue:report_detail", args=[report.year]), "fr")
    assert 'class="original-en"' not in html
    assert french_notice() not in html
    assert "<!--original-texts-notice-->" in html  # the place, left empty


def test_in_english_nothing_is_marked_or_said(client, catalogue):
    html = get(client, reverse("catalogue:report_detail", args=[2013]), "en")
    assert 'class="original-en"' not in html
    assert "await their official translation" not in html


def test_the_delegations_cached_answer_cards_still_bring_the_notice(
    client, norway_assessment, focal_point_norway
):
    client.force_login(focal_point_norway)
    url = reverse("assessments:report_answers", args=[norway_assessment.pk, 2013])
    first, second = (get(client, url, "fr") for _ in range(2))
    for html in (first, second):  # the second from the cards' cache
        assert html.count(french_notice()) == 1
        assert "English original" not in html.replace(french_notice(), "")


def test_the_admin_review_desk_says_it_once_too(client, secretariat, norway_assessment):
    from assessments.services.lifecycle import assessment_submit

    focal_point = norway_assessment.member_state.members.get().user
    assessment_submit(assessment=norway_assessment, submitted_by=focal_point)
    client.force_login(secretariat)
    html = get(
        client, reverse("admin:assessments_assessment_change", args=[norway_assessment.pk]), "fr"
    )
    assert html.count(french_notice()) == 1
    assert "English original" not in html.replace(french_notice(), "")
