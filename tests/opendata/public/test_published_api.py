"""The published assessments in the API: only what States published, as frozen when
submitted, with the files ticked; gone once withdrawn."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import limits
from assessments.models import AssessmentStatus
from assessments.services.answers import AnswerContent, answer_save
from assessments.services.lifecycle import assessment_start, assessment_submit
from assessments.services.publication import submission_publish, submission_withdraw
from assessments.services.reports import submission_store_pdf
from assessments.services.review import assessment_accept
from delegations.models import Member, MemberState
from tests.publishing import assessment_in, latest

pytestmark = pytest.mark.django_db

LIST = "/api/v1/published/"


def is_throttle(sql: str) -> bool:
    return any(word in sql for word in ("r2p_cache", "apiratewindow", "SAVEPOINT"))


def detail(code="2025", iso3="NOR"):
    return f"/api/v1/published/{code}/{iso3}/"


@pytest.fixture
def states(cycle, norway, kenya, focal_point_norway, focal_point_kenya, secretariat):
    """Norway published (second file ticked); Kenya accepted, never published."""
    norway_assessment, files = assessment_in(
        AssessmentStatus.ACCEPTED,
        member_state=norway,
        cycle=cycle,
        focal_point=focal_point_norway,
        reviewer=secretariat,
        marker="NORMARK",
    )
    submission_publish(
        submission=latest(norway_assessment),
        user=focal_point_norway,
        attachment_ids=[files[1].pk],
    )
    assessment_in(
        AssessmentStatus.ACCEPTED,
        member_state=kenya,
        cycle=cycle,
        focal_point=focal_point_kenya,
        reviewer=secretariat,
        marker="KENMARK",
    )
    return latest(norway_assessment), files


def test_the_list_holds_only_what_was_published(client, states):
    submission, _files = states
    data = client.get(LIST).json()
    assert data["count"] == 1
    (entry,) = data["results"]
    assert entry["member_state"]["iso3"] == "NOR"
    assert entry["cycle"]["code"] == "2025"
    assert entry["version"] == 1
    assert entry["pdf_sha256"] == submission.pdf_sha256 and len(entry["pdf_sha256"]) == 64
    assert entry["url"] == "http://testserver" + detail()
    assert entry["page"] == "http://testserver" + reverse(
        "opendata:published_state", args=["2025", "NOR"]
    )
    assert entry["pdf"].endswith(reverse("opendata:published_pdf", args=["2025", "NOR"]))
    assert entry["verify"].endswith(reverse("assessments:verify"))
    assert "KENMARK" not in str(data)
    assert client.get(LIST, {"cycle": "1999"}).json()["count"] == 0


def test_the_answers_are_the_submitted_ones_with_the_ticked_file_only(client, states):
    _submission, (_unticked, ticked) = states
    response = client.get(detail())
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-cache"
    data = response.json()
    answers = {a["code"]: a for report in data["reports"] for a in report["answers"]}
    first = answers["2013-MS-01"]
    assert first["status"] == "implemented"
    assert "NORMARK-evidence" in first["evidence"]
    assert first["links"] == ["https://example.org/NORMARK-link"]
    assert [file["name"] for file in first["attachments"]] == ["NORMARK-file-2.pdf"]
    assert first["attachments"][0]["url"].endswith(
        reverse("opendata:published_file", args=["2025", "NOR", ticked.pk])
    )
    assert data["language"] == "en"
    # Who answered or submitted is not published data.
    assert "nora" not in response.content.decode()
    assert client.get(detail(iso3="nor")).json() == data


def test_what_was_not_published_or_was_withdrawn_is_not_found(client, states, focal_point_norway):
    submission, _files = states
    assert client.get(detail(iso3="KEN")).status_code == 404
    assert client.get(detail(code="1999")).status_code == 404
    submission_withdraw(submission=submission, user=focal_point_norway)
    assert client.get(detail()).status_code == 404
    assert client.get(LIST).json()["count"] == 0


def test_the_list_reads_a_fixed_number_of_queries(client, cycle, secretariat, django_user_model):
    for n in range(5):
        state = MemberState.objects.create(
            iso3=f"Q{'ABCDE'[n]}Z", name=f"State {n}", regional_group="african"
        )
        user = django_user_model.objects.create_user(username=f"fp{n}", password="pw")
        Member.objects.create(user=user, member_state=state, role=Member.Role.FOCAL_POINT)
        assessment = assessment_start(member_state=state, cycle=cycle, started_by=user)
        assessment_submit(assessment=assessment, submitted_by=user)
        assessment_accept(assessment=assessment, user=secretariat, seen_submission=1)
        submission_publish(submission=latest(assessment), user=user)
    for query, count in [({}, 5), ({"page_size": 2, "page": 3}, 1)]:
        with CaptureQueriesContext(connection) as queries:
            data = client.get(LIST, query).json()
        assert len(data["results"]) == count
        # The count and the page; the throttle's counter is left aside (API_ANON_RATE).
        assert len([q for q in queries if not is_throttle(q["sql"])]) == 2


def test_the_largest_evidence_is_served_whole(
    client, cycle, norway, focal_point_norway, secretariat
):
    assessment = assessment_start(member_state=norway, cycle=cycle, started_by=focal_point_norway)
    line = "z" * (limits.EVIDENCE_MAX_CHARS // limits.EVIDENCE_MAX_LINES - 1)
    evidence = "\n".join([line] * limits.EVIDENCE_MAX_LINES)
    links = [f"https://example.org/{n}/" + "y" * 250 for n in range(limits.LINKS_MAX)]
    answer = assessment.answers.in_catalogue_order().select_related("assessment__cycle").first()
    answer_save(
        answer=answer,
        content=AnswerContent(status="implemented", evidence=evidence, links=links),
        base_version=0,
        user=focal_point_norway,
    )
    submission_store_pdf(assessment_submit(assessment=assessment, submitted_by=focal_point_norway))
    assessment_accept(assessment=assessment, user=secretariat, seen_submission=1)
    submission_publish(submission=latest(assessment), user=focal_point_norway)
    data = client.get(detail()).json()
    first = data["reports"][0]["answers"][0]
    assert first["evidence"] == evidence
    assert first["links"] == links


def test_a_current_copy_is_confirmed_with_304_and_a_withdrawn_one_is_not(
    client, states, focal_point_norway
):
    submission, _files = states
    for url in (LIST, detail()):
        first = client.get(url)
        assert first.status_code == 200 and first["ETag"], url
        again = client.get(url, headers={"If-None-Match": first["ETag"]})
        assert (again.status_code, again.content) == (304, b""), url
        assert again["ETag"] == first["ETag"] and again["Cache-Control"] == "no-cache"
    listed = client.get(LIST)["ETag"]
    submission_withdraw(submission=submission, user=focal_point_norway)
    assert client.get(detail(), headers={"If-None-Match": first["ETag"]}).status_code == 404
    emptied = client.get(LIST, headers={"If-None-Match": listed})
    assert emptied.status_code == 200 and emptied.json()["count"] == 0
