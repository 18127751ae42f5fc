"""What the search keeps from one search to the next (SQLite's full-text indexes, the
words suggestions are chosen from) follows the catalogue: a search right after a change
in the admin finds the catalogue as it now is."""

import pytest
from django.db import connection
from django.utils import translation

from catalogue import search
from catalogue.models import Recommendation, RecommendationTranslation
from catalogue.search import search_recommendations

pytestmark = pytest.mark.django_db


def found(query) -> list[str]:
    return [item.code for item in search_recommendations(query).recommendations]


def write(code: str, text: str) -> None:
    Recommendation.objects.filter(code=code).update(text=text)


def test_a_search_right_after_a_text_is_edited_finds_the_new_words_not_the_old(make_report):
    make_report(2015, per_target=2, codes=("MS",))
    write("2015-MS-01", "Counter hate speech online.")
    assert found("hate speech") == ["2015-MS-01"]

    # As long as before: an edit is seen whatever it leaves the same.
    write("2015-MS-01", "Counter fake speech online.")

    assert found("hate speech") == []
    assert found("fake speech") == ["2015-MS-01"]


def test_a_recommendation_added_after_a_search_is_found_by_the_next(make_report):
    report = make_report(2015, per_target=1, codes=("MS",))
    assert found("mediation") == []

    Recommendation.objects.create(
        section=report.sections.get(),
        position=2,
        code="2015-MS-02",
        text="Support mediation by regional organizations.",
    )

    assert found("mediation") == ["2015-MS-02"]


def test_a_recommendation_put_in_place_of_a_deleted_one_is_found_by_its_own_words(make_report):
    make_report(2015, per_target=2, codes=("MS",))
    write("2015-MS-02", "Strengthen early warning.")
    assert found("early warning") == ["2015-MS-02"]
    deleted = Recommendation.objects.get(code="2015-MS-02")
    deleted.delete()

    # The same id, the same number of recommendations: only the text tells them apart.
    Recommendation.objects.create(
        pk=deleted.pk,
        section=deleted.section,
        position=2,
        code="2015-MS-02",
        text="Support mediation at once.",
    )

    assert found("early warning") == []
    assert found("mediation") == ["2015-MS-02"]


def test_a_translation_entered_or_changed_after_a_search_is_searched_by_the_next(make_report):
    make_report(2013, per_target=2, codes=("MS",))
    with translation.override("fr"):
        assert found("stratégie nationale") == []

        entered = RecommendationTranslation.objects.create(
            recommendation=Recommendation.objects.get(code="2013-MS-01"),
            language="fr",
            text="Adopter une stratégie nationale.",
        )
        assert found("stratégie nationale") == ["2013-MS-01"]

        entered.text = "Adopter une politique nationale."
        entered.save()
        assert found("stratégie nationale") == []
        assert found("politique nationale") == ["2013-MS-01"]


def test_suggestions_come_from_the_texts_as_they_are_at_the_search(make_report):
    make_report(2015, per_target=1, codes=("MS",))
    assert search_recommendations("mediaton").suggestions() == []

    write("2015-MS-01", "Support mediation.")

    assert search_recommendations("mediaton").suggestions() == ["mediation"]


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="PostgreSQL searches through its own GIN index"
)
def test_searches_use_the_same_index_until_a_text_changes(make_report, monkeypatch):
    make_report(2015, per_target=3, codes=("MS", "UN"))
    found("recommendation")
    built = []
    build = search._fts5_index

    def counted(create, rows, prepare):
        built.append(len(rows))
        return build(create, rows, prepare)

    monkeypatch.setattr(search, "_fts5_index", counted)

    assert found("recommendation 2") == ["2015-MS-02", "2015-UN-02"]
    assert found("2015 UN recommendation") == ["2015-UN-01", "2015-UN-02", "2015-UN-03"]
    assert built == []

    write("2015-UN-03", "Support mediation.")
    assert found("mediation") == ["2015-UN-03"]
    assert found("mediation 2015") == ["2015-UN-03"]
    assert built == [6]
