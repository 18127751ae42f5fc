"""The public API of the catalogue: stable addresses on the codes people cite, texts in
each language with the English fallback said, filters, pages, links both ways."""

import pytest
from django.urls import reverse

from assessments.models import CycleTranslation
from catalogue.models import Recommendation
from delegations.models import MemberState
from opendata.api import serializers
from opendata.api.caching import ANSWERS
from opendata.api.rows import clear_indexes

pytestmark = pytest.mark.django_db

LANGUAGES = ["ar", "zh-hans", "en", "fr", "ru", "es"]


@pytest.fixture(autouse=True)
def _nothing_kept():
    ANSWERS.clear()
    clear_indexes()


def get(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_a_recommendation_is_at_the_address_of_its_code(anonymous, translated):
    data = get(anonymous, "/api/v1/recommendations/2013-MS-01/")

    assert data["code"] == "2013-MS-01"
    assert data["url"] == "http://testserver/api/v1/recommendations/2013-MS-01/"
    assert data["page"] == "http://testserver/catalogue/recommendations/2013-MS-01/"
    assert data["report"] == {
        "year": 2013,
        "symbol": "A/67/1",
        "url": "http://testserver/api/v1/reports/2013/",
    }
    assert data["addressee"] == {"code": "MS", "url": "http://testserver/api/v1/addressees/MS/"}
    assert data["paragraphs"] == "1–5"
    assert data["themes"] == [
        {
            "slug": "prevention-strategies",
            "url": "http://testserver/api/v1/themes/prevention-strategies/",
        }
    ]
    assert list(data["texts"]) == LANGUAGES


def test_each_language_gives_the_official_text_or_the_english_marked(anonymous, translated):
    texts = get(anonymous, "/api/v1/recommendations/2013-MS-01/")["texts"]

    assert texts["fr"] == {"text": "Recommandation 1 de 2013 aux États.", "english_fallback": False}
    assert texts["en"] == {"text": "Recommendation 1 of 2013 to MS.", "english_fallback": False}
    for language in ("ar", "zh-hans", "ru", "es"):
        assert texts[language] == {
            "text": "Recommendation 1 of 2013 to MS.",
            "english_fallback": True,
        }


@pytest.fixture
def norway(db):
    return MemberState.objects.create(
        iso3="NOR",
        name="Norway",
        name_fr="Norvège",
        name_ar="النرويج",
        regional_group="western_european_other",
    )


def test_codes_are_read_in_any_case(anonymous, translated, norway):
    assert get(anonymous, "/api/v1/recommendations/2013-ms-01/")["code"] == "2013-MS-01"
    assert get(anonymous, "/api/v1/member-states/nor/")["iso3"] == "NOR"


def test_stable_addresses_of_reports_states_themes_cycles_and_sections(
    anonymous, translated, norway, cycle
):
    CycleTranslation.objects.create(cycle=cycle, language="fr", name="Débat de 2025")
    report = get(anonymous, "/api/v1/reports/2013/")
    assert report["titles"]["ar"] == {"text": "تقرير 2013", "english_fallback": False}
    assert report["titles"]["fr"] == {"text": "Report 2013", "english_fallback": True}
    assert report["document_url"] == "https://undocs.org/A/67/1"
    assert report["recommendation_count"] == 5
    assert [section["code"] for section in report["sections"]] == ["2013-MS", "2013-UN"]

    state = get(anonymous, "/api/v1/member-states/NOR/")
    assert state["names"]["fr"] == {"text": "Norvège", "english_fallback": False}
    assert state["names"]["ru"] == {"text": "Norway", "english_fallback": True}
    assert state["regional_group"]["code"] == "western_european_other"
    assert state["regional_group"]["names"]["en"]["text"] == "Western European and other States"

    theme = get(anonymous, "/api/v1/themes/prevention-strategies/")
    assert theme["names"]["es"] == {"text": "Estrategias", "english_fallback": False}
    assert theme["recommendations"] == ["2013-MS-01", "2014-MS-02"]

    found = get(anonymous, "/api/v1/cycles/2025/")
    assert found["names"]["fr"] == {"text": "Débat de 2025", "english_fallback": False}
    assert [report["year"] for report in found["reports"]] == [2013, 2014]
    assert found["page"] == "http://testserver/published/#cycle-2025"

    section = get(anonymous, "/api/v1/sections/2013-MS/")
    assert section["recommendations"] == ["2013-MS-01", "2013-MS-02", "2013-MS-03"]
    assert section["page"] == "http://testserver/catalogue/reports/2013/#target-MS"

    addressee = get(anonymous, "/api/v1/addressees/MS/")
    assert addressee["names"]["en"] == {"text": "Member States", "english_fallback": False}
    assert addressee["recommendation_count"] == 5


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/recommendations/2099-MS-01/",
        "/api/v1/reports/2099/",
        "/api/v1/sections/2013-XX/",
        "/api/v1/sections/nothing/",
        "/api/v1/member-states/XYZ/",
        "/api/v1/themes/nothing/",
        "/api/v1/cycles/1999/",
        "/api/v1/addressees/ZZ/",
        "/api/v1/reports/twenty/",
        "/api/v1/reports/%0A/",
        "/api/v2/",
    ],
)
def test_an_unknown_code_or_address_answers_404_in_json(anonymous, translated, url):
    response = anonymous.get(url)
    assert response.status_code == 404
    assert response.json()["detail"]


def test_an_address_without_its_slash_is_sent_to_it(anonymous, translated):
    response = anonymous.get("/api/v1/recommendations", {"year": 2013})
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/recommendations/?year=2013"


def test_filters_by_year_addressee_theme(anonymous, translated):
    def codes(**params):
        return [
            row["code"] for row in get(anonymous, "/api/v1/recommendations/", **params)["results"]
        ]

    assert codes(year=2014) == ["2014-MS-01", "2014-MS-02"]
    assert codes(addressee="un") == ["2013-UN-01", "2013-UN-02"]
    assert codes(theme="prevention-strategies") == ["2013-MS-01", "2014-MS-02"]
    assert codes(year=2013, addressee="MS") == ["2013-MS-01", "2013-MS-02", "2013-MS-03"]
    assert codes(addressee="XX") == []


def test_text_search_in_a_language_uses_the_catalogue_search(anonymous, translated):
    def codes(**params):
        return [
            row["code"] for row in get(anonymous, "/api/v1/recommendations/", **params)["results"]
        ]

    # "États" is in the French text of 2013-MS-01 only; in English it finds nothing.
    assert codes(q="États", lang="fr") == ["2013-MS-01"]
    assert codes(q="États") == []
    # Codes are read loosely, as on the catalogue's page.
    assert codes(q="2014 MS 2") == ["2014-MS-02"]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [({"year": "twenty"}, "year"), ({"lang": "de"}, "lang"), ({"q": "x" * 201}, "q")],
)
def test_a_filter_it_cannot_read_answers_400_naming_it(anonymous, translated, params, parameter):
    response = anonymous.get("/api/v1/recommendations/", params)
    assert response.status_code == 400
    assert parameter in response.json()


def test_pages_of_50_with_links_and_at_most_200(anonymous, real_catalogue):
    first = get(anonymous, "/api/v1/recommendations/")
    assert first["count"] == Recommendation.objects.count() > 400
    assert len(first["results"]) == 50
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/v1/recommendations/?page=2"

    second = get(anonymous, first["next"])
    assert second["results"][0]["code"] == Recommendation.objects.in_catalogue_order()[50].code

    assert len(get(anonymous, "/api/v1/recommendations/", page_size=1000)["results"]) == 200
    assert anonymous.get("/api/v1/recommendations/", {"page": 99}).status_code == 404


def test_a_list_page_costs_the_same_queries_whatever_its_length(
    anonymous, real_catalogue, django_assert_max_num_queries
):
    """No query per row: throttle, version, count, the page's ids, then (once per
    version) the whole catalogue's rows in four."""
    anonymous.get("/api/v1/recommendations/")  # the rows read once for this version
    for page_size in (5, 200):
        ANSWERS.clear()
        with django_assert_max_num_queries(4):
            anonymous.get("/api/v1/recommendations/", {"page_size": page_size})
    clear_indexes()
    ANSWERS.clear()
    with django_assert_max_num_queries(8):
        anonymous.get("/api/v1/recommendations/", {"page_size": 200})


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/reports/",
        "/api/v1/sections/",
        "/api/v1/addressees/",
        "/api/v1/themes/",
        "/api/v1/member-states/",
        "/api/v1/cycles/",
    ],
)
def test_the_other_lists_cost_a_few_queries_whatever_their_length(
    anonymous, real_catalogue, url, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        anonymous.get(url)


# Each answer in the shape its serializer declares (the serializers pass rows through).


def declared(serializer) -> dict:
    """The declared fields of `serializer`, nested ones as dicts, lists as [shape]."""
    shape = {}
    for name, field in serializer().fields.items():
        if hasattr(field, "child") and hasattr(field.child, "fields"):
            shape[name] = [declared(type(field.child))]
        elif hasattr(field, "fields"):
            shape[name] = declared(type(field))
        else:
            shape[name] = None
    return shape


def assert_shape(data, shape):
    assert set(data) == set(shape)
    for name, inner in shape.items():
        if isinstance(inner, list):
            for item in data[name]:
                assert_shape(item, inner[0])
        elif isinstance(inner, dict):
            assert_shape(data[name], inner)


@pytest.mark.parametrize(
    ("url", "serializer", "listed"),
    [
        ("/api/v1/recommendations/", serializers.RecommendationSerializer, "results"),
        ("/api/v1/recommendations/2013-MS-01/", serializers.RecommendationSerializer, None),
        ("/api/v1/reports/", serializers.ReportSerializer, "all"),
        ("/api/v1/sections/", serializers.SectionSerializer, "all"),
        ("/api/v1/addressees/", serializers.AddresseeSerializer, "all"),
        ("/api/v1/themes/", serializers.ThemeSerializer, "all"),
        ("/api/v1/member-states/", serializers.MemberStateSerializer, "all"),
        ("/api/v1/cycles/", serializers.CycleSerializer, "all"),
    ],
)
def test_every_answer_has_the_declared_fields(
    anonymous, translated, norway, cycle, url, serializer, listed
):
    data = get(anonymous, url)
    rows = data["results"] if listed == "results" else data if listed == "all" else [data]
    assert rows
    for row in rows:
        assert_shape(row, declared(serializer))


def test_every_url_and_page_leads_somewhere(anonymous, translated, norway, cycle):
    """The API's links resolve in the API, the pages' on the site."""
    lists = get(anonymous, "/api/v1/")
    seen = set()
    for url in lists.values():
        assert anonymous.get(url).status_code == 200, url
        data = get(anonymous, url) if "/schema/" not in url and "/docs/" not in url else {}
        rows = data.get("results", data) if isinstance(data, dict) else data
        for row in rows if isinstance(rows, list) else []:
            for key in ("url", "page"):
                if row.get(key) and row[key] not in seen:
                    seen.add(row[key])
                    assert anonymous.get(row[key]).status_code == 200, row[key]
    assert "http://testserver/catalogue/themes/prevention-strategies/" in seen


def test_the_pages_link_to_their_data(anonymous, translated):
    recommendation = anonymous.get(reverse("catalogue:recommendation_detail", args=["2013-MS-01"]))
    content = recommendation.content.decode()
    api = reverse("opendata:api_recommendation_detail", args=["2013-MS-01"])
    assert f'<link rel="alternate" type="application/json" href="{api}">' in content
    assert f'<a href="{api}" type="application/json">JSON' in content
    report = anonymous.get(reverse("catalogue:report_detail", args=[2013])).content.decode()
    api = reverse("opendata:api_report_detail", args=[2013])
    assert f'<link rel="alternate" type="application/json" href="{api}">' in report
    assert f'<a href="{api}" type="application/json">JSON' in report
    for page, api in (
        (
            reverse("catalogue:theme_detail", args=["prevention-strategies"]),
            reverse("opendata:api_theme_detail", args=["prevention-strategies"]),
        ),
        (reverse("catalogue:theme_list"), reverse("opendata:api_theme_list")),
    ):
        content = anonymous.get(page).content.decode()
        assert f'<link rel="alternate" type="application/json" href="{api}">' in content
        assert f'<a href="{api}" type="application/json">JSON' in content
    home = anonymous.get("/").content.decode()
    assert f'href="{reverse("opendata:data")}"' in home
