"""Searching the catalogue in French, Spanish, Russian, Arabic or Chinese searches the
official translations into that language as its readers write: word endings aside
(stemmed), Arabic without vowel signs, tatweel or the forms of alef, Chinese by
characters; the same on SQLite and PostgreSQL. Only the page's language is searched,
with the English text."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from catalogue.models import Recommendation, RecommendationTranslation
from catalogue.search import search_recommendations
from catalogue.search_languages import STEMMED_LANGUAGES
from catalogue.templatetags.catalogue_tags import highlight

pytestmark = pytest.mark.django_db

# The translations of 2013-MS-01 as the tests load them, in the shape of the official
# texts.
TEXTS = {
    "fr": "Renforcer la protection des populations contre les atrocités criminelles et "
    "promouvoir les droits de l’homme.",
    "es": "Fortalecer las estrategias nacionales de prevención de atrocidades.",
    "ru": "Укрепить национальные стратегии защиты населения от злодеяний.",
    "ar": "تعزيزُ الحِمايةِ من الإبادةِ الجماعيةِ على المستوى الوطني.",
    "zh-hans": "加强保护平民免遭暴行的国家能力。",
}


def found(query, language) -> list[str]:
    with translation.override(language):
        return [item.code for item in search_recommendations(query).recommendations]


@pytest.fixture
def translated(make_report):
    """2013-MS-01 translated into each language; 2013-MS-02 into none."""
    make_report(2013, per_target=2, codes=("MS",))
    recommendation = Recommendation.objects.get(code="2013-MS-01")
    RecommendationTranslation.objects.bulk_create(
        RecommendationTranslation(recommendation=recommendation, language=language, text=text)
        for language, text in TEXTS.items()
    )


@pytest.mark.parametrize(
    ("language", "query"),
    [
        # Each a word of the text inflected otherwise: plural for singular, and back.
        ("fr", "protections atrocité"),
        ("fr", "criminelle"),
        # Accents left out, as many keyboards leave them.
        ("fr", "atrocites criminelles"),
        # An elided article is a word of its own: "l’homme" is found by "homme".
        ("fr", "droit homme"),
        ("fr", '"droits de l’homme"'),
        ("fr", '"droits de l\'homme"'),
        ("es", "estrategia nacional"),
        ("es", "prevencion atrocidad"),
        ("ru", "национальная стратегия"),
        ("ru", "защита населения"),
        ("ar", "حماية"),
        ("ar", "الجماعية"),
    ],
)
def test_a_word_of_a_translation_is_found_whatever_its_ending(translated, language, query):
    assert found(query, language) == ["2013-MS-01"]


@pytest.mark.parametrize(
    ("language", "query"),
    [
        ("fr", "protection génocide"),
        # A phrase is found only as written in that order.
        ("fr", '"homme droits"'),
        ("es", "estrategia parlamento"),
        ("ru", "национальная армия"),
        ("ar", "حماية البرلمان"),
    ],
)
def test_every_word_must_be_in_the_translation(translated, language, query):
    assert found(query, language) == []


@pytest.mark.parametrize(
    "query",
    [
        "الحماية",
        "الحِمايَة",
        "إبادة",
        "ابادة",
        "الإبادة",
        "إبادَة",
        "الإبـادة",  # a tatweel
        "ٱلحماية",  # alef wasla
        # Alef maksura typed as ya: "المستوى" written "المستوي".
        "المستوي",
        "المستوى",
    ],
)
def test_arabic_is_found_with_or_without_vowel_signs_tatweel_and_forms_of_alef(translated, query):
    assert found(query, "ar") == ["2013-MS-01"]


@pytest.mark.parametrize(
    "text",
    [
        "حماية السكان من الإبادة",
        "حِمايَةُ السُّكّانِ مِنَ الإبادَةِ",
        "حمايـة السكان من ٱلابادة",
    ],
)
def test_arabic_texts_are_found_whatever_vowel_signs_tatweel_and_alef_they_are_written_with(
    make_report, text
):
    make_report(2013, per_target=1, codes=("MS",))
    RecommendationTranslation.objects.create(
        recommendation=Recommendation.objects.get(code="2013-MS-01"), language="ar", text=text
    )
    assert found("الحماية", "ar") == ["2013-MS-01"]
    assert found("إبادة", "ar") == ["2013-MS-01"]
    assert found("الحِمايَة الإبـادة", "ar") == ["2013-MS-01"]


@pytest.mark.parametrize("query", ["保护", "平民", "保护平民", "国家 能力", "暴行"])
def test_chinese_is_found_by_its_characters_two_are_enough(translated, query):
    assert found(query, "zh-hans") == ["2013-MS-01"]


def test_chinese_characters_not_in_the_translation_find_nothing(translated):
    assert found("议会", "zh-hans") == []
    assert found("保护 议会", "zh-hans") == []


@pytest.mark.parametrize("language", TEXTS)
def test_the_english_text_is_still_searched_in_every_language(translated, language):
    # 2013-MS-02 has no translation: its English words find it.
    assert found("Recommendation 2", language) == ["2013-MS-02"]
    assert found("recommendations", language) == ["2013-MS-01", "2013-MS-02"]


@pytest.mark.parametrize("language", TEXTS)
def test_codes_and_years_narrow_a_search_in_every_language(translated, language):
    word = {"fr": "protection", "es": "estrategia", "ru": "стратегия", "ar": "الحماية"}
    query = word.get(language, "保护")
    assert found(f"2013 {query}", language) == ["2013-MS-01"]
    assert found(f"2013-MS-02 {query}", language) == []
    assert found("2013-MS-02", language) == ["2013-MS-02"]


@pytest.mark.parametrize(
    ("page_language", "query"),
    [
        # Another language's words find nothing of its translations: each page searches
        # the translations into its own language only (and the English text).
        ("fr", "estrategias nacionales"),
        ("es", "protection atrocités"),
        ("ar", "национальные стратегии"),
        ("ru", "الحماية"),
        ("fr", "保护"),
        # In English no translation is searched.
        ("en", "protection atrocités"),
        ("en", "保护"),
    ],
)
def test_a_query_finds_no_translation_into_another_language_than_the_pages(
    translated, page_language, query
):
    assert found(query, page_language) == []


@pytest.mark.parametrize("language", TEXTS)
@pytest.mark.parametrize(
    "query", ['"unbalanced', "or", "protection or genocide", "NEAR(a b)", "*", "-", "a:b", "'); --"]
)
def test_search_syntax_never_breaks_the_search_in_any_language(translated, language, query):
    # Words are words, never operators, on either database: "or" is no alternative.
    assert "2013-MS-01" not in found(query, language)


def test_very_common_words_of_the_language_find_nothing_on_their_own(translated):
    assert found("de la", "fr") == []
    assert found("la protection", "fr") == ["2013-MS-01"]
    # In a phrase, they are kept.
    assert found('"protection des populations"', "fr") == ["2013-MS-01"]
    assert found('"protection les populations"', "fr") == []


def test_a_translation_edited_in_the_admin_is_searched_by_its_new_words(translated):
    assert found("protection", "fr") == ["2013-MS-01"]
    RecommendationTranslation.objects.filter(language="fr").update(text="Prévenir le génocide.")
    assert found("protection", "fr") == []
    assert found("génocides", "fr") == ["2013-MS-01"]


@pytest.mark.parametrize(
    ("language", "query", "suggested"),
    [
        ("fr", "atrocitess", "atrocités"),
        # Offered as written, й and all, though searched as и.
        ("ru", "злодяний", "злодеяний"),
        ("ar", "الابادت", "الإبادةِ"),
    ],
)
def test_a_search_that_finds_nothing_suggests_words_of_the_translations_as_written(
    client, translated, language, query, suggested
):
    response = client.get(
        reverse("catalogue:recommendation_list"),
        {"q": query},
        headers={"accept-language": language},
    )
    assert response.context["page"].paginator.count == 0
    assert suggested in response.context["suggestions"]


def test_the_results_page_marks_the_words_found_by_their_stem(client, translated):
    response = client.get(
        reverse("catalogue:recommendation_list"),
        {"q": "protections"},
        headers={"accept-language": "fr"},
    )
    html = response.content.decode()
    assert [item.code for item in response.context["page"].object_list] == ["2013-MS-01"]
    assert "<mark>protect</mark>ion" in html


def test_the_results_page_marks_arabic_words_typed_without_vowel_signs(client, translated):
    response = client.get(
        reverse("catalogue:recommendation_list"), {"q": "إبادة"}, headers={"accept-language": "ar"}
    )
    assert [item.code for item in response.context["page"].object_list] == ["2013-MS-01"]
    # The mark keeps the vowel signs of the letters it covers.
    assert "<mark>إبادةِ</mark>" in response.content.decode()


def test_arabic_words_are_marked_whatever_their_tatweel_and_forms_of_alef():
    marked = highlight("تعزيز ٱلحـماية على المستوى", ["الحماية", "المستوي"])
    assert marked == "تعزيز <mark>ٱلحـماية</mark> على <mark>المستوى</mark>"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the search indexes are PostgreSQL's (FTS5 on SQLite)"
)
@pytest.mark.parametrize("language", STEMMED_LANGUAGES)
def test_postgresql_searches_each_language_through_its_own_index(make_report, language):
    # Enough translations that reading all those of the language (by the index of one
    # translation per language) costs more than the text search index.
    report = make_report(2013, per_target=200, codes=("MS",))
    RecommendationTranslation.objects.bulk_create(
        RecommendationTranslation(
            recommendation=recommendation, language=language, text=f"{TEXTS[language]} {index}"
        )
        for index, recommendation in enumerate(
            Recommendation.objects.filter(section__report=report)
        )
    )
    with CaptureQueriesContext(connection) as searched, translation.override(language):
        search_recommendations("xyz").recommendations.count()
    (search,) = [
        query["sql"] for query in searched if "catalogue_recommendationtranslation" in query["sql"]
    ]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE catalogue_recommendationtranslation")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + search)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"translation_search_{language}" in plan, plan
