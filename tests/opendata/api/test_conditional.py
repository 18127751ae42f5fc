"""ETag, Last-Modified and conditional GET: a current copy is answered 304 without
reading or serializing anything; an answer made once is served again until the
catalogue changes, and a change shows at once."""

from unittest import mock

import pytest
from django.test import Client
from django.utils.http import http_date

from catalogue.models import Recommendation, RecommendationTranslation
from opendata.api.caching import ANSWERS
from opendata.api.rows import clear_indexes
from opendata.api.serializers import RecommendationSerializer
from opendata.api.version import catalogue_version

pytestmark = pytest.mark.django_db

URLS = [
    "/api/v1/",
    "/api/v1/recommendations/",
    "/api/v1/recommendations/2013-MS-01/",
    "/api/v1/reports/",
    "/api/v1/reports/2013/",
    "/api/v1/themes/",
    "/api/v1/cycles/",
    "/api/v1/downloads/",
    "/api/v1/downloads/recommendations-fr.csv",
]


@pytest.fixture(autouse=True)
def _nothing_kept():
    ANSWERS.clear()
    clear_indexes()


@pytest.mark.parametrize("url", URLS)
def test_every_answer_carries_its_validators_and_may_be_kept_a_while(
    anonymous, translated, cycle, url, settings
):
    settings.API_CACHE_MAX_AGE = 120
    response = anonymous.get(url)
    version = catalogue_version()
    assert response.status_code == 200
    assert response["ETag"] == version.etag("en")
    assert response["Last-Modified"] == http_date(version.last_modified)
    assert set(response["Cache-Control"].split(", ")) == {"public", "max-age=120"}
    assert "Set-Cookie" not in response


@pytest.mark.parametrize("url", URLS)
def test_a_current_copy_is_answered_304_with_no_body(anonymous, translated, cycle, url):
    etag = anonymous.get(url)["ETag"]
    response = anonymous.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


def test_304_reads_only_the_version_and_serializes_nothing(
    anonymous, translated, django_assert_num_queries
):
    etag = anonymous.get("/api/v1/recommendations/")["ETag"]
    ANSWERS.clear()
    clear_indexes()
    with (
        mock.patch.object(
            RecommendationSerializer, "to_representation", autospec=True
        ) as serialize,
        mock.patch("opendata.api.rows.recommendation_rows") as read_rows,
        django_assert_num_queries(2),  # the throttle's count and the version
    ):
        response = anonymous.get("/api/v1/recommendations/", headers={"If-None-Match": etag})
    assert response.status_code == 304
    serialize.assert_not_called()
    read_rows.assert_not_called()


def test_if_modified_since_the_last_change_is_304_and_before_it_200(anonymous, translated):
    last_modified = anonymous.get("/api/v1/reports/")["Last-Modified"]
    assert (
        anonymous.get("/api/v1/reports/", headers={"If-Modified-Since": last_modified}).status_code
        == 304
    )
    earlier = http_date(catalogue_version().last_modified - 60)
    assert (
        anonymous.get("/api/v1/reports/", headers={"If-Modified-Since": earlier}).status_code == 200
    )


def test_a_change_of_the_catalogue_shows_at_once(anonymous, translated):
    """Through a bulk update, as an import of official translations writes."""
    first = anonymous.get("/api/v1/recommendations/2013-MS-01/")
    translation = RecommendationTranslation.objects.get(language="fr")
    translation.text = "Un texte corrigé."
    RecommendationTranslation.objects.bulk_update([translation], ["text"])

    again = anonymous.get(
        "/api/v1/recommendations/2013-MS-01/", headers={"If-None-Match": first["ETag"]}
    )
    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert again.json()["texts"]["fr"]["text"] == "Un texte corrigé."
    listed = anonymous.get("/api/v1/recommendations/").json()["results"][0]
    assert listed["texts"]["fr"]["text"] == "Un texte corrigé."


def test_an_answer_made_once_is_served_again_without_reading_the_rows(anonymous, translated):
    first = anonymous.get("/api/v1/recommendations/", {"year": 2013})
    with mock.patch("opendata.api.rows.RowIndex.pick") as pick:
        again = anonymous.get("/api/v1/recommendations/", {"year": 2013})
    pick.assert_not_called()
    assert again.content == first.content
    assert again["Content-Type"] == "application/json"


def test_a_new_recommendation_shows_in_the_lists_at_once(anonymous, translated):
    anonymous.get("/api/v1/recommendations/")
    section = Recommendation.objects.get(code="2014-MS-02").section
    Recommendation.objects.create(section=section, position=3, code="2014-MS-03", text="New.")
    codes = [row["code"] for row in anonymous.get("/api/v1/recommendations/").json()["results"]]
    assert codes[-1] == "2014-MS-03"


def test_an_answer_in_the_visitors_language_is_kept_and_confirmed_per_language():
    french = Client(headers={"accept-language": "fr"})
    english = Client(headers={"accept-language": "en"})
    in_french = french.get("/api/v1/downloads/")
    in_english = english.get("/api/v1/downloads/")
    assert in_french.json()["source"] != in_english.json()["source"]
    assert in_english.json()["source"] == english.get("/api/v1/downloads/").json()["source"]
    assert in_french["ETag"] != in_english["ETag"]
    stale = english.get("/api/v1/downloads/", headers={"If-None-Match": in_french["ETag"]})
    assert stale.status_code == 200
    assert stale.json()["source"] == in_english.json()["source"]
    current = french.get("/api/v1/downloads/", headers={"If-None-Match": in_french["ETag"]})
    assert current.status_code == 304
