"""The secretariat's token API: every submission's snapshot for analysis, behind an API
key made and revoked in the secretariat's desk, stored as a hash, each use recorded."""

import datetime
import time
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework_api_key.models import APIKey

from assessments import limits
from assessments.models import AssessmentStatus, Submission
from assessments.services.lifecycle import assessment_submit
from opendata.models import ApiKeyUse
from tests.assessments.conftest import kenya_assessment, norway_assessment  # noqa: F401

pytestmark = pytest.mark.django_db

LIST = "/api/v1/secretariat/submissions/"


@pytest.fixture
def submissions(norway_assessment, kenya_assessment, focal_point_norway, focal_point_kenya):  # noqa: F811
    """Norway submitted twice (returned in between), Kenya once; no PDF rendered."""
    first = assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)
    norway_assessment.__class__.objects.filter(pk=norway_assessment.pk).update(
        status=AssessmentStatus.RETURNED
    )
    norway_assessment.refresh_from_db()
    second = assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)
    kenya = assessment_submit(assessment=kenya_assessment, submitted_by=focal_point_kenya)
    return first, second, kenya


@pytest.fixture
def key(db):
    _api_key, key = APIKey.objects.create_key(name="Analysis 2025")
    return key


def with_key(key: str, address: str = "203.0.113.7") -> Client:
    return Client(HTTP_AUTHORIZATION=f"Api-Key {key}", REMOTE_ADDR=address)


def test_without_a_key_the_answer_is_403_saying_what_to_send(anonymous, submissions):
    response = anonymous.get(LIST)
    assert response.status_code == 403
    assert "Authorization: Api-Key" in response.json()["detail"]
    assert not ApiKeyUse.objects.exists()


def test_with_a_key_every_submission_comes_with_its_snapshot(submissions, key):
    first, second, kenya = submissions
    response = with_key(key).get(LIST)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    data = response.json()
    assert data["count"] == 3
    by_id = {row["id"]: row for row in data["results"]}
    assert by_id[first.pk]["is_latest"] is False
    assert by_id[second.pk]["is_latest"] is True
    assert by_id[second.pk]["member_state"] == "NOR"
    assert by_id[second.pk]["cycle"] == "2025"
    assert by_id[second.pk]["number"] == 2
    assert by_id[second.pk]["assessment_status"] == "submitted"
    assert by_id[second.pk]["snapshot"] == Submission.objects.get(pk=second.pk).snapshot
    assert by_id[kenya.pk]["url"] == f"http://testserver{LIST}{kenya.pk}/"


def test_filters_by_cycle_state_status_and_latest(submissions, key):
    first, second, kenya = submissions
    client = with_key(key)

    def ids(**params):
        response = client.get(LIST, params)
        assert response.status_code == 200, response.content
        return sorted(row["id"] for row in response.json()["results"])

    assert ids(state="nor") == sorted([first.pk, second.pk])
    assert ids(state="KEN", cycle="2025") == [kenya.pk]
    assert ids(cycle="1999") == []
    assert ids(latest="true") == sorted([second.pk, kenya.pk])
    assert ids(status="submitted", latest="true", state="NOR") == [second.pk]
    assert client.get(LIST, {"status": "lost"}).status_code == 400


def test_one_submission_by_its_id(submissions, key):
    first, _second, _kenya = submissions
    client = with_key(key)
    assert client.get(f"{LIST}{first.pk}/").json()["number"] == 1
    missing = client.get(f"{LIST}999999/")
    assert missing.status_code == 404
    assert missing.json()["detail"]


def test_every_use_is_recorded_with_path_status_and_address(submissions, key):
    client = with_key(key)
    client.get(LIST, {"state": "NOR"})
    client.get(f"{LIST}999999/")
    uses = list(ApiKeyUse.objects.order_by("used_at", "pk").values("path", "status", "address"))
    assert uses == [
        {"path": f"{LIST}?state=NOR", "status": 200, "address": "203.0.113.7"},
        {"path": f"{LIST}999999/", "status": 404, "address": "203.0.113.7"},
    ]
    assert ApiKeyUse.objects.first().key.name == "Analysis 2025"


def test_a_revoked_key_gets_403_and_its_use_is_recorded(submissions, key):
    APIKey.objects.update(revoked=True)
    response = with_key(key).get(LIST)
    assert response.status_code == 403
    assert "revoked" in response.json()["detail"]
    assert list(ApiKeyUse.objects.values_list("status", flat=True)) == [403]


def test_an_expired_key_gets_403(submissions, key):
    APIKey.objects.update(expiry_date=timezone.now() - datetime.timedelta(minutes=1))
    response = with_key(key).get(LIST)
    assert response.status_code == 403
    assert "expired" in response.json()["detail"]


def test_a_made_up_key_gets_403_and_names_no_key(submissions, key):
    prefix = key.partition(".")[0]
    for forged in (f"{prefix}.not-the-secret", "nothing", "a.b"):
        response = with_key(forged).get(LIST)
        assert response.status_code == 403
        assert response.json()["detail"] == "This API key is not valid."
    assert not ApiKeyUse.objects.exists()


def test_an_address_refused_too_often_is_stopped_before_any_key_is_checked(
    submissions, key, settings, caplog
):
    settings.API_KEY_REFUSALS_RATE = "3/hour"
    prefix = key.partition(".")[0]
    guessing = with_key(f"{prefix}.a-guess", address="198.51.100.9")
    assert [guessing.get(LIST).status_code for _ in range(3)] == [403, 403, 403]
    assert "198.51.100.9" in caplog.text and prefix in caplog.text
    with mock.patch.object(APIKey, "is_valid") as checked:
        stopped = guessing.get(LIST)
        # Even the right key, from that address, until the window ends.
        assert with_key(key, address="198.51.100.9").get(LIST).status_code == 429
    checked.assert_not_called()
    assert stopped.status_code == 429 and int(stopped["Retry-After"]) > 0
    # Another address, and a valid key's own use, are not stopped by it.
    assert with_key(key).get(LIST).status_code == 200
    # A revoked key's refusals count too.
    APIKey.objects.update(revoked=True)
    revoked = with_key(key, address="192.0.2.44")
    assert [revoked.get(LIST).status_code for _ in range(4)] == [403, 403, 403, 429]


def test_the_key_is_stored_as_a_hash_only(key):
    stored = APIKey.objects.values().get()
    secret = key.partition(".")[2]
    assert all(secret not in str(value) for value in stored.values())
    assert stored["hashed_key"].startswith("sha512$$")
    assert APIKey.objects.get_from_key(key).name == "Analysis 2025"


def test_the_public_api_neither_needs_nor_reads_a_key(translated, key):
    response = with_key(key).get("/api/v1/recommendations/")
    assert response.status_code == 200
    assert not ApiKeyUse.objects.exists()
    assert with_key("nonsense").get("/api/v1/recommendations/").status_code == 200


def test_the_secretariat_makes_a_key_in_its_desk_and_sees_it_once(client, secretariat):
    client.force_login(secretariat)
    response = client.post(
        reverse("admin:opendata_secretariatapikey_add"),
        {"name": "R analysis", "expiry_date_0": "", "expiry_date_1": ""},
    )
    assert response.status_code == 302
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    [message] = [m for m in messages if "will not be shown again" in m]
    key = message.split(": ", 1)[1].split(" ")[0]
    assert APIKey.objects.get_from_key(key).name == "R analysis"
    assert with_key(key).get(LIST).status_code == 200
    # Shown on the page the secretariat lands on, and never again.
    assert key in client.get(response["Location"]).content.decode()
    api_key = APIKey.objects.get()
    for url in (
        reverse("admin:opendata_secretariatapikey_change", args=[api_key.pk]),
        reverse("admin:opendata_secretariatapikey_changelist"),
    ):
        page = client.get(url)
        assert page.status_code == 200
        assert key.partition(".")[2] not in page.content.decode()


def test_the_secretariat_revokes_a_key_and_never_deletes_one(client, secretariat, key):
    client.force_login(secretariat)
    api_key = APIKey.objects.get()
    response = client.post(
        reverse("admin:opendata_secretariatapikey_change", args=[api_key.pk]),
        {"name": api_key.name, "expiry_date_0": "", "expiry_date_1": "", "revoked": "on"},
    )
    assert response.status_code == 302
    assert with_key(key).get(LIST).status_code == 403
    delete = client.get(reverse("admin:opendata_secretariatapikey_delete", args=[api_key.pk]))
    assert delete.status_code == 403
    uses = client.get(reverse("admin:opendata_apikeyuse_changelist"))
    assert uses.status_code == 200


def test_the_largest_snapshot_the_forms_accept_is_served_in_bounded_time(
    norway_assessment,  # noqa: F811
    focal_point_norway,
    key,
):
    """Evidence at the assessment's limits: the snapshot's JSON is served whole."""
    submission = assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)
    answers = [answer for report in submission.snapshot["reports"] for answer in report["answers"]]
    line = "Évidence ١٢٣ 证据 " * 5 + "\n"
    evidence = (line * (limits.ASSESSMENT_EVIDENCE_MAX_LINES // len(answers)))[
        : limits.ASSESSMENT_EVIDENCE_MAX_CHARS // len(answers)
    ]
    for answer in answers:
        answer["evidence"] = evidence
        answer["links"] = ["https://example.org/" + "x" * (limits.LINK_MAX_CHARS - 20)] * (
            limits.ASSESSMENT_LINKS_MAX // len(answers)
        )
    Submission.objects.filter(pk=submission.pk).update(snapshot=submission.snapshot)
    start = time.perf_counter()
    response = with_key(key).get(f"{LIST}{submission.pk}/")
    elapsed = time.perf_counter() - start
    assert response.status_code == 200
    assert response.json()["snapshot"]["reports"][0]["answers"][0]["evidence"] == evidence
    assert len(response.content) > limits.ASSESSMENT_EVIDENCE_MAX_CHARS * 0.9
    assert elapsed < 2
