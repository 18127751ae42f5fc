"""The catalogue as files: one per language, CSV and JSON, described by the data
dictionary, under the licence the secretariat chose, made again at once on a change."""

import csv
import io
import json

import pytest
from django.urls import reverse

from catalogue.models import Recommendation, RecommendationTranslation
from opendata.api.caching import ANSWERS
from opendata.api.downloads import columns
from opendata.api.rows import clear_indexes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _nothing_kept():
    ANSWERS.clear()
    clear_indexes()


def csv_rows(response) -> list[dict]:
    content = response.content
    assert content.startswith("\ufeff".encode()), "Excel reads UTF-8 only after a BOM"
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_a_csv_holds_every_recommendation_in_its_language(anonymous, translated):
    response = anonymous.get("/api/v1/downloads/recommendations-fr.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="recommendations-fr.csv"' in response["Content-Disposition"]
    assert 'rel="license"' in response["Link"]
    rows = csv_rows(response)

    assert [row["code"] for row in rows] == list(
        Recommendation.objects.in_catalogue_order().values_list("code", flat=True)
    )
    assert list(rows[0]) == [column.name for column in columns()]
    first = rows[0]
    assert first["text"] == "Recommandation 1 de 2013 aux États."
    assert first["english_fallback"] == "false"
    assert first["addressee"] == "États Membres"
    assert first["themes"] == "prevention-strategies"
    assert first["report_symbol"] == "A/67/1"
    assert rows[1]["text"] == "Recommendation 2 of 2013 to MS."
    assert rows[1]["english_fallback"] == "true"


def test_arabic_and_chinese_survive_the_round_trip(anonymous, translated):
    recommendation = Recommendation.objects.get(code="2013-MS-02")
    RecommendationTranslation.objects.create(
        recommendation=recommendation, language="ar", text="توصية بشأن منع الفظائع"
    )
    RecommendationTranslation.objects.create(
        recommendation=recommendation, language="zh-hans", text="关于预防暴行的建议"
    )
    arabic = csv_rows(anonymous.get("/api/v1/downloads/recommendations-ar.csv"))
    assert arabic[1]["text"] == "توصية بشأن منع الفظائع"
    chinese = anonymous.get("/api/v1/downloads/recommendations-zh-hans.json").json()
    assert chinese["recommendations"][1]["text"] == "关于预防暴行的建议"
    assert chinese["about"]["language"] == "zh-hans"


def test_a_cell_a_spreadsheet_would_run_is_shown_as_typed(anonymous, translated):
    Recommendation.objects.filter(code="2013-MS-03").update(text='=HYPERLINK("x")')
    RecommendationTranslation.objects.create(
        recommendation=Recommendation.objects.get(code="2013-UN-01"), language="fr", text="+33 1"
    )
    rows = {
        row["code"]: row
        for row in csv_rows(anonymous.get("/api/v1/downloads/recommendations-fr.csv"))
    }
    assert rows["2013-MS-03"]["text"] == '\'=HYPERLINK("x")'
    assert rows["2013-UN-01"]["text"] == "'+33 1"
    # JSON has types: the text stays exact.
    data = anonymous.get("/api/v1/downloads/recommendations-fr.json").json()
    texts = {row["code"]: row["text"] for row in data["recommendations"]}
    assert texts["2013-MS-03"] == '=HYPERLINK("x")'


def test_the_json_says_its_source_and_licence(anonymous, translated, settings):
    settings.OPEN_DATA_LICENCE_NAME = "CC BY-SA 4.0"
    settings.OPEN_DATA_LICENCE_URL = "https://creativecommons.org/licenses/by-sa/4.0/"
    data = json.loads(anonymous.get("/api/v1/downloads/recommendations-en.json").content)
    assert data["about"]["licence"]["name"] == "CC BY-SA 4.0"
    assert "United Nations documents" in data["about"]["source"]
    assert "undocs.org" in data["about"]["source"]
    assert len(data["recommendations"]) == Recommendation.objects.count()
    assert data["recommendations"][0]["english_fallback"] is False


def test_a_change_makes_the_file_again_at_once(anonymous, translated):
    before = csv_rows(anonymous.get("/api/v1/downloads/recommendations-fr.csv"))
    RecommendationTranslation.objects.filter(language="fr").update(text="Corrigé.")
    after = csv_rows(anonymous.get("/api/v1/downloads/recommendations-fr.csv"))
    assert before[0]["text"] != after[0]["text"] == "Corrigé."


@pytest.mark.parametrize(
    "name",
    ["recommendations-de.csv", "recommendations-fr.xlsx", "catalogue.csv", "recommendations-.csv"],
)
def test_an_unknown_file_is_404(anonymous, translated, name):
    assert anonymous.get(f"/api/v1/downloads/{name}").status_code == 404


def test_the_dictionary_describes_every_column_in_the_language_asked(anonymous, translated):
    described = anonymous.get("/api/v1/downloads/dictionary.json").json()
    assert [column["name"] for column in described["columns"]] == [c.name for c in columns()]
    assert all(column["description"] for column in described["columns"])
    as_csv = csv_rows(anonymous.get("/api/v1/downloads/dictionary.csv", {"lang": "fr"}))
    assert [row["column"] for row in as_csv] == [c.name for c in columns()]
    assert anonymous.get("/api/v1/downloads/dictionary.csv", {"lang": "xx"}).status_code == 404


def test_the_data_page_lists_the_files_the_dictionary_and_the_licence(
    anonymous, translated, settings
):
    settings.OPEN_DATA_LICENCE_NAME = "CC BY 4.0"
    page = anonymous.get(reverse("opendata:data"))
    assert page.status_code == 200
    content = page.content.decode()
    for language in ("ar", "zh-hans", "en", "fr", "ru", "es"):
        for file_format in ("csv", "json"):
            assert f"/api/v1/downloads/recommendations-{language}.{file_format}" in content
    for column in columns():
        assert f">{column.name}</code>" in content
    assert 'rel="license">CC BY 4.0</a>' in content
    assert "United Nations documents" in content
    assert reverse("opendata:api_docs") in content


def test_the_data_page_speaks_the_visitors_language(anonymous, translated):
    page = anonymous.get(reverse("opendata:data"), headers={"Accept-Language": "ar"})
    assert '<html lang="ar" dir="rtl">' in page.content.decode()
