"""Official translations of report titles and recommendations: kept by the secretariat
in the admin, shown by pages in the active language (the English original marked where
none exists), frozen into a submission's snapshot in its language."""

import pytest
from django.urls import reverse

from catalogue.models import (
    MAX_RECOMMENDATION_LENGTH,
    Recommendation,
    RecommendationTranslation,
    ReportTranslation,
    Theme,
    ThemeLink,
    ThemeTranslation,
)

from .test_admin import inline_management


def original(text: str) -> str:
    """A text in its English original, as a page in another language marks it."""
    return f'<span lang="en" dir="ltr" class="original-en">{text}</span>'


pytestmark = pytest.mark.django_db

FRENCH_TITLE = "Rapport de 2013 sur la responsabilité de protéger"
FRENCH_TEXT = "Adopter une stratégie nationale de prévention."


def in_french(client, url, **params):
    return client.get(url, params, headers={"accept-language": "fr"})


@pytest.fixture
def translated(make_report):
    report = make_report(2013, per_target=2, codes=("MS",))
    ReportTranslation.objects.create(report=report, language="fr", title=FRENCH_TITLE)
    RecommendationTranslation.objects.create(
        recommendation=Recommendation.objects.get(code="2013-MS-01"),
        language="fr",
        text=FRENCH_TEXT,
    )
    return report


def test_the_secretariat_adds_an_official_title_translation_in_the_report_admin(
    client, secretariat, make_report
):
    report = make_report(2013, per_target=1, codes=("MS",))
    client.force_login(secretariat)
    url = reverse("admin:catalogue_report_change", args=[report.pk])
    page = client.get(url).content.decode()
    assert '<option value="fr">' in page
    assert '<option value="en">' not in page  # English is the source, not a translation
    data = {
        "number": report.number,
        "year": report.year,
        "symbol": report.symbol,
        "title": report.title,
        "focus": report.focus,
        **inline_management("sections", total=0),
        **inline_management("translations", total=1),
        "translations-0-language": "fr",
        "translations-0-title": FRENCH_TITLE,
    }

    assert client.post(url, data).status_code == 302
    existing = report.translations.get()
    assert existing.title == FRENCH_TITLE

    # A second French title beside the first: refused with a message, nothing changed.
    data.update(inline_management("translations", total=2, initial=1))
    data.update(
        {
            "translations-0-id": existing.pk,
            "translations-0-report": report.pk,
            "translations-1-language": "fr",
            "translations-1-title": "Un autre titre",
        }
    )
    again = client.post(url, data)
    assert again.status_code == 200
    assert "duplicate" in again.content.decode()
    assert list(report.translations.values_list("title", flat=True)) == [FRENCH_TITLE]


def test_the_secretariat_adds_a_recommendation_translation(client, secretariat, make_report):
    make_report(2013, per_target=1, codes=("MS",))
    recommendation = Recommendation.objects.get(code="2013-MS-01")
    client.force_login(secretariat)
    url = reverse("admin:catalogue_recommendation_change", args=[recommendation.pk])
    result = client.post(
        url,
        {
            "section": recommendation.section_id,
            "position": recommendation.position,
            "text": recommendation.text,
            **inline_management("translations", total=1),
            "translations-0-language": "ar",
            "translations-0-text": "اعتماد استراتيجية وطنية",
        },
    )
    assert result.status_code == 302
    assert recommendation.translations.get().language == "ar"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (field, value, message)
        for field in ("text", "translations-0-text")
        for value, message in [
            (
                "x" * (MAX_RECOMMENDATION_LENGTH + 1),
                f"at most {MAX_RECOMMENDATION_LENGTH} characters",
            ),
            # Private use: no font's glyph means anything.
            ("Adopt a strategy \ue000", "cannot print: U+E000"),
        ]
    ],
)
def test_a_recommendation_or_translation_every_report_could_not_print_is_refused(
    client, secretariat, make_report, field, value, message
):
    """Too long for every State's report to hold, or with a character no font prints."""
    make_report(2013, per_target=1, codes=("MS",))
    recommendation = Recommendation.objects.get(code="2013-MS-01")
    client.force_login(secretariat)
    data = {
        "section": recommendation.section_id,
        "position": recommendation.position,
        "text": recommendation.text,
        **inline_management("translations", total=1),
        "translations-0-language": "ar",
        "translations-0-text": "اعتماد استراتيجية وطنية",
        field: value,
    }
    url = reverse("admin:catalogue_recommendation_change", args=[recommendation.pk])

    result = client.post(url, data)

    assert result.status_code == 200
    assert message in result.content.decode()
    recommendation.refresh_from_db()
    assert recommendation.text == "Recommendation 1 of 2013 to MS."
    assert not recommendation.translations.exists()


def test_pages_show_the_translation_and_mark_the_english_original(client, translated):
    listing = in_french(client, reverse("catalogue:report_list")).content.decode()
    assert FRENCH_TITLE in listing
    detail = in_french(client, reverse("catalogue:report_detail", args=[2013])).content.decode()
    assert FRENCH_TITLE in detail
    assert FRENCH_TEXT in detail
    assert "Recommendation 1 of 2013" not in detail
    # The untranslated one: English, said and tagged so screen readers read it in English.
    assert original("Recommendation 2 of 2013 to MS.") in detail
    search = in_french(client, reverse("catalogue:recommendation_list")).content.decode()
    assert FRENCH_TEXT in search
    assert original("Recommendation 2 of 2013 to MS.") in search


def test_theme_pages_show_the_translation_and_mark_the_english_original(client, translated):
    theme = Theme.objects.create(name="Prevention", slug="prevention")
    for code in ("2013-MS-01", "2013-MS-02"):
        ThemeLink.objects.create(
            theme=theme, recommendation=Recommendation.objects.get(code=code), reason="Same."
        )
    pages = [
        in_french(client, reverse("catalogue:theme_detail", args=["prevention"])),
        in_french(client, reverse("catalogue:recommendation_detail", args=["2013-MS-02"])),
    ]
    for page in pages:
        html = page.content.decode()
        assert FRENCH_TEXT in html
        assert "Recommendation 1 of 2013" not in html
        assert original("Recommendation 2 of 2013 to MS.") in html
    assert FRENCH_TITLE in pages[1].content.decode()


def test_theme_names_are_shown_in_their_official_translation(
    client, translated, django_assert_num_queries
):
    theme = Theme.objects.create(name="Prevention", slug="prevention", description="Acting early.")
    ThemeTranslation.objects.create(theme=theme, language="fr", name="Prévention")
    ThemeLink.objects.create(
        theme=theme, recommendation=Recommendation.objects.get(code="2013-MS-01"), reason="Same."
    )
    pages = {
        name: in_french(client, url).content.decode()
        for name, url in [
            ("list", reverse("catalogue:theme_list")),
            ("theme", reverse("catalogue:theme_detail", args=["prevention"])),
            ("recommendation", reverse("catalogue:recommendation_detail", args=["2013-MS-01"])),
            ("report", reverse("catalogue:report_detail", args=[2013])),
        ]
    }
    for name, html in pages.items():
        assert "Prévention" in html, name
        assert ">Prevention<" not in html, name
    # No description in French: the English one, marked as the original.
    assert original("Acting early.") in pages["theme"]
    assert "<title>Prévention" in pages["theme"]
    # More themes, the same queries: their translations come in one.
    for index in range(5):
        other = Theme.objects.create(name=f"Theme {index}", slug=f"theme-{index}")
        ThemeTranslation.objects.create(theme=other, language="fr", name=f"Thème {index}")
        ThemeLink.objects.create(
            theme=other,
            recommendation=Recommendation.objects.get(code="2013-MS-02"),
            reason="Same.",
        )
    with django_assert_num_queries(3):  # themes, their links, their translations
        listing = in_french(client, reverse("catalogue:theme_list")).content.decode()
    assert "Thème 4" in listing


def test_english_pages_show_the_source_without_notes(client, translated):
    detail = client.get(reverse("catalogue:report_detail", args=[2013])).content.decode()
    assert "Recommendation 1 of 2013 to MS." in detail
    assert FRENCH_TEXT not in detail
    assert 'lang="en" dir="ltr">Recommendation' not in detail


def test_a_language_without_translations_shows_every_text_as_the_english_original(
    client, translated
):
    detail = client.get(
        reverse("catalogue:report_detail", args=[2013]), headers={"accept-language": "es"}
    ).content.decode()
    assert FRENCH_TEXT not in detail
    assert detail.count('<span lang="en" dir="ltr" class="original-en">Recommendation') == 2


@pytest.mark.parametrize("n_reports", [1, 8])
def test_translated_pages_run_a_constant_number_of_queries(
    client, make_report, django_assert_num_queries, n_reports
):
    for year in range(2009, 2009 + n_reports):
        report = make_report(year, per_target=12, codes=("MS", "UN"))
        ReportTranslation.objects.create(report=report, language="fr", title=f"Rapport {year}")
        RecommendationTranslation.objects.bulk_create(
            RecommendationTranslation(recommendation=r, language="fr", text="Texte.")
            for r in Recommendation.objects.filter(section__report=report)[:5]
        )

    # One query more than in English per list of translated objects.
    with django_assert_num_queries(4):
        in_french(client, reverse("catalogue:report_list"))
    # And one for the themes of the report's recommendations.
    with django_assert_num_queries(6):
        in_french(client, reverse("catalogue:report_detail", args=[2009]))
    with django_assert_num_queries(5):
        in_french(client, reverse("catalogue:recommendation_list"))


def test_the_sources_addressees_are_named_in_the_language_of_the_page(client, make_report, targets):
    make_report(2013, per_target=1, codes=("MS", "UN", "CS"))
    renamed = targets["CS"]
    renamed.name = "Civil society and academia"
    renamed.save()

    detail = in_french(client, reverse("catalogue:report_detail", args=[2013])).content.decode()
    listing = in_french(client, reverse("catalogue:recommendation_list")).content.decode()
    for html in (detail, listing):
        assert "États Membres" in html
        assert "Organisation des Nations Unies" in html
        # A name the secretariat changed is its own: shown as entered.
        assert "Civil society and academia" in html
    assert ">Member States<" not in detail


def test_a_reports_focus_is_shown_in_its_translation_or_marked_as_the_english_original(
    client, translated
):
    translated.focus = "Prevention and State responsibility."
    translated.save()
    url = reverse("catalogue:report_detail", args=[2013])
    english_original = in_french(client, url).content.decode()
    assert original("Prevention and State responsibility.") in (english_original)
    ReportTranslation.objects.filter(report=translated).update(
        focus="Prévention et responsabilité de l’État."
    )
    page = in_french(client, url).content.decode()
    assert "Prévention et responsabilité de l’État." in page
    assert "Prevention and State responsibility." not in page
    assert (
        "Prévention et responsabilité de l’État."
        in in_french(client, reverse("catalogue:report_list")).content.decode()
    )
