"""Catalogue search finds what people mean, the same on SQLite and PostgreSQL: word
endings, accents and apostrophes aside, quoted phrases, codes written loosely."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from catalogue.models import Recommendation, RecommendationTranslation
from catalogue.search import search_recommendations

pytestmark = pytest.mark.django_db


def found(query) -> list[str]:
    return [item.code for item in search_recommendations(query).recommendations]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # "atrocity" in the text, found by its plural, and the other way round.
        ("atrocities", "2013-MS-03"),
        ("atrocity", "2019-MS-05"),
        # "prevention" found by "preventing", "prevent" by "prevention".
        ("preventing", "2015-MS-06"),
        ("prevention", "2009-MS-02"),
        ("assessments risk", "2009-MS-08"),
        # Apostrophes and their absence: "victims' associations", "women's groups".
        ("victims associations", "2013-MS-10"),
        ("victims’ associations", "2013-MS-10"),
        ("womens groups", "2020-MS-10"),
        ("women's groups", "2020-MS-10"),
        # Accents typed where the text has none.
        ("rôle Security Council", "2017-MS-13"),
        ('"hate speech"', "2013-MS-07"),
        ("“responsibility while protecting”", "2012-MS-07"),
    ],
)
def test_words_are_found_whatever_their_ending_accents_or_apostrophes(
    real_catalogue, query, expected
):
    assert expected in found(query)


def test_every_word_must_be_found(real_catalogue):
    assert found("genocide convention rome statute arms") == ["2017-MS-01"]


def test_a_quoted_phrase_is_found_as_a_phrase(make_report):
    report = make_report(2015, per_target=2, codes=("MS",))
    first, second = Recommendation.objects.filter(section__report=report)
    first.text, second.text = "Counter hate speech online.", "Speech that spreads hate."
    Recommendation.objects.bulk_update([first, second], ["text"])

    assert found("speech hate") == ["2015-MS-01", "2015-MS-02"]
    assert found('"hate speech"') == ["2015-MS-01"]


def test_accents_in_the_text_are_ignored_too(make_report):
    report = make_report(2015, per_target=2, codes=("MS",))
    first = Recommendation.objects.filter(section__report=report).first()
    first.text = "Support the Commission Vérité et Réconciliation of Côte d’Ivoire."
    first.save()

    assert found("verite reconciliation") == ["2015-MS-01"]
    assert found("cote divoire") == ["2015-MS-01"]
    assert found("Côte d'Ivoire") == ["2015-MS-01"]


@pytest.mark.parametrize(
    "query", ["2013-MS-04", "2013 MS 04", "2013-ms-4", "2013MS04", "2013 ms-04", "2013/MS/4"]
)
def test_codes_may_be_written_loosely(real_catalogue, query):
    assert found(query) == ["2013-MS-04"]


def test_a_code_without_its_year_finds_it_in_every_report(real_catalogue):
    codes = found("MS-04")
    assert codes == [
        code
        for code in Recommendation.objects.values_list("code", flat=True)
        if code.endswith("-MS-04")
    ]
    assert len(codes) == 15
    assert found("ms 4 early warning") == ["2012-MS-04", "2013-MS-04", "2016-MS-04", "2018-MS-04"]


@pytest.mark.parametrize("query", ["2013", "2013 MS", "2013-ms", "2013MS", "2013/MS"])
def test_the_beginning_of_a_code_finds_all_it_begins(real_catalogue, query):
    expected = Recommendation.objects.filter(section__report__year=2013)
    if "ms" in query.lower():
        expected = expected.filter(section__target__code="MS")
    codes = found(query)
    assert codes == list(expected.values_list("code", flat=True))
    assert "2013-MS-04" in codes
    assert all(code.startswith("2013-") for code in codes)


def test_a_year_narrows_a_search_by_words(real_catalogue):
    assert found("2013 hate speech") == ["2013-MS-07"]
    assert found("2013 UN") == list(
        Recommendation.objects.filter(
            section__report__year=2013, section__target__code="UN"
        ).values_list("code", flat=True)
    )


def test_a_number_that_is_no_report_year_is_a_word_of_the_text(make_report):
    report = make_report(2015, per_target=2, codes=("MS",))
    first = Recommendation.objects.filter(section__report=report).first()
    first.text = "Align prevention with the 2030 Agenda for Sustainable Development."
    first.save()

    assert found("2030 Agenda") == ["2015-MS-01"]
    assert found("2030") == ["2015-MS-01"]


@pytest.mark.parametrize(
    "query", ['"unbalanced', "NEAR(a b)", "*", "AND OR NOT", "a:b", "-", "'); DROP TABLE x; --"]
)
def test_search_syntax_never_breaks_the_search(real_catalogue, query):
    search_recommendations(query).recommendations.count()


def test_a_search_that_finds_nothing_offers_help(client, real_catalogue):
    response = client.get(reverse("catalogue:recommendation_list"), {"q": "atrocty"})

    html = response.content.decode()
    assert response.context["page"].paginator.count == 0
    assert "Nothing matches your search" in html
    assert "atrocity" in response.context["suggestions"]
    assert reverse("catalogue:theme_list") in html
    assert reverse("catalogue:report_list") in html


def test_only_very_common_words_find_nothing(real_catalogue):
    assert found("the of") == []


def test_the_page_search_keeps_its_filters(client, real_catalogue):
    response = client.get(
        reverse("catalogue:recommendation_list"),
        {"q": "focal points", "year": 2017, "target": "MS"},
    )
    assert [item.code for item in response.context["page"].object_list] == ["2017-MS-03"]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the search index is PostgreSQL's (FTS5 on SQLite)"
)
def test_postgresql_searches_through_the_index_built_from_the_searchs_expression(
    real_catalogue,
):
    with CaptureQueriesContext(connection) as searched:
        queryset = search_recommendations("atrocities genocide").recommendations
    # The text search ran once, on its own: the page's queries only filter on its ids.
    (search,) = [query["sql"] for query in searched if "to_tsvector" in query["sql"]]
    assert "to_tsvector" not in str(queryset.query)
    # On the recommendations alone: with joins the planner may parse a text once per
    # joined row (seconds a search, seen with the statistics of a busy test database).
    assert "JOIN" not in search
    with connection.cursor() as cursor:
        # Small tables are read whole whatever the indexes (a scan of the table or of
        # its primary key): the planner is asked not to, with the table's statistics.
        cursor.execute("ANALYZE catalogue_recommendation")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + search)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "recommendation_search" in plan, plan


TRANSLATIONS = {
    # language: (the translation of 2013-MS-01, a query that finds it, one that does not)
    "fr": ("Adopter une stratégie nationale de prévention.", "Strategie nationale", "adopter zzz"),
    "es": (
        "Adoptar una estrategia nacional de prevención.",
        '"estrategia nacional"',
        "nacional estrategia prevenir",
    ),
    # "военной" typed without its breve, as many keyboards leave it.
    "ru": ("Укрепить потенциал военной юстиции.", "военнои юстиции", "военная юстиция"),
    # Vowel signs in the text, none in the query.
    "ar": ("تعزيزُ القضاءِ العسكريِّ.", "تعزيز القضاء", "تعزيز البرلمان"),
    # No spaces between Chinese words: each is found where it is written.
    "zh-hans": ("加强军事司法能力。", "军事 司法", "军事 议会"),
}


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_the_official_translations_are_searched_in_their_language(make_report, language):
    make_report(2013, per_target=2, codes=("MS",))
    text, finds, misses = TRANSLATIONS[language]
    RecommendationTranslation.objects.create(
        recommendation=Recommendation.objects.get(code="2013-MS-01"), language=language, text=text
    )
    with translation.override(language):
        assert found(finds) == ["2013-MS-01"]
        assert found(misses) == []
        # The English text is searched as well, whatever the language.
        assert found("Recommendation 2 of 2013") == ["2013-MS-02"]
    # In English only the English text is.
    assert found(finds) == []
