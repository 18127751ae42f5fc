"""The published answers as files, per cycle: exactly what the published entries of the
API show, one row per State and recommendation, and nothing a State did not publish;
made again at once when a State publishes or withdraws."""

import csv
import io
import json

import pytest

from assessments import limits
from assessments.models import AssessmentStatus, Cycle, ReviewComment
from assessments.services.answers import AnswerContent, answer_save
from assessments.services.lifecycle import assessment_start, assessment_submit
from assessments.services.publication import submission_publish, submission_withdraw
from assessments.services.reports import submission_store_pdf
from assessments.services.review import assessment_accept
from opendata.api.published_downloads import columns
from tests.publishing import assessment_in, attach, latest, state_with_focal_point

pytestmark = pytest.mark.django_db

CSV = "/api/v1/downloads/published/2025.csv"
JSON = "/api/v1/downloads/published/2025.json"
# Never public: the other States' markers, the file Norway did not tick, the names of
# the people who answered, submitted or reviewed, and a comment of the secretariat.
NEVER = [
    "KENMARK",
    "PERMARK",
    "FJIMARK",
    "CHLMARK",
    "NORMARK-file-1",
    "NORMARK-content",
    "nora",
    "wanjiru",
    "SECRETARIATCOMMENT",
]


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200, response.content[:300]
    content = response.content
    assert content.startswith("\ufeff".encode()), "Excel reads UTF-8 only after a BOM"
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.fixture
def states(
    cycle, norway, kenya, focal_point_norway, focal_point_kenya, secretariat, django_user_model
):
    """Norway published with its second file ticked; Kenya accepted and never published;
    Peru returned, Fiji a draft, Chile published and withdrawn."""
    norway_assessment, files = assessment_in(
        AssessmentStatus.ACCEPTED,
        member_state=norway,
        cycle=cycle,
        focal_point=focal_point_norway,
        reviewer=secretariat,
        marker="NORMARK",
    )
    ReviewComment.objects.create(
        assessment=norway_assessment, text="SECRETARIATCOMMENT", written_by=secretariat
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
    for iso3, name, status in [
        ("PER", "Peru", AssessmentStatus.RETURNED),
        ("FJI", "Fiji", AssessmentStatus.DRAFT),
        ("CHL", "Chile", AssessmentStatus.ACCEPTED),
    ]:
        state, user = state_with_focal_point(iso3, name, django_user_model)
        assessment, their_files = assessment_in(
            status,
            member_state=state,
            cycle=cycle,
            focal_point=user,
            reviewer=secretariat,
            marker=f"{iso3}MARK",
        )
        if iso3 == "CHL":
            submission_publish(
                submission=latest(assessment), user=user, attachment_ids=[their_files[0].pk]
            )
            submission_withdraw(submission=latest(assessment), user=user)
    return latest(norway_assessment), files


def test_the_csv_holds_each_published_answer_and_nothing_unpublished(anonymous, states):
    submission, (_unticked, ticked) = states
    response = anonymous.get(CSV)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="published-answers-2025.csv"' in response["Content-Disposition"]
    assert 'rel="license"' in response["Link"]
    rows = csv_rows(response)
    assert list(rows[0]) == [column.name for column in columns()]
    # One row per Member State recommendation of the cycle (2013: 3, 2014: 2), Norway's.
    assert [(row["iso3"], row["code"]) for row in rows] == [
        ("NOR", code)
        for code in ["2013-MS-01", "2013-MS-02", "2013-MS-03", "2014-MS-01", "2014-MS-02"]
    ]
    first = rows[0]
    assert first["cycle"] == "2025"
    assert first["member_state"] == "Norway"
    assert first["version"] == "1"
    assert first["report_year"] == "2013"
    assert first["status"] == "implemented"
    assert first["evidence"] == "Evidence NORMARK-evidence of the law."
    assert first["links"] == "https://example.org/NORMARK-link"
    assert first["attachment_names"] == "NORMARK-file-2.pdf"
    assert first["attachment_sha256"] == ticked.sha256
    assert first["attachment_sizes"] == str(ticked.size)
    assert first["attachment_urls"].endswith(f"/published/2025/NOR/files/{ticked.pk}/")
    assert first["page"] == "http://testserver/published/2025/NOR/"
    assert first["pdf"] == "http://testserver/published/2025/NOR/report.pdf"
    assert first["pdf_sha256"] == submission.pdf_sha256 and len(submission.pdf_sha256) == 64
    assert rows[1]["status"] == "" and rows[1]["attachment_names"] == ""
    text = response.content.decode()
    assert [marker for marker in NEVER if marker in text] == []


def test_the_json_file_is_what_the_api_entry_shows(anonymous, states):
    response = anonymous.get(JSON)
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["about"]["cycle"] == "2025"
    assert data["about"]["states"] == 1
    assert data["about"]["licence"]["name"] == "CC BY 4.0"
    assert data["about"]["dictionary"].endswith("/api/v1/downloads/published-dictionary.json")
    entry = anonymous.get("/api/v1/published/2025/NOR/").json()
    from_api = [
        {
            "code": answer["code"],
            "report_year": report["year"],
            "paragraphs": answer["paragraphs"],
            "status": answer["status"],
            "evidence": answer["evidence"],
            "links": answer["links"],
            "attachment_names": [file["name"] for file in answer["attachments"]],
            "attachment_sizes": [file["size"] for file in answer["attachments"]],
            "attachment_sha256": [file["sha256"] for file in answer["attachments"]],
            "attachment_urls": [file["url"] for file in answer["attachments"]],
            "iso3": entry["member_state"]["iso3"],
            "page": entry["page"],
            "pdf": entry["pdf"],
            "pdf_sha256": entry["pdf_sha256"],
            "url": entry["url"],
        }
        for report in entry["reports"]
        for answer in report["answers"]
    ]
    assert [{key: row[key] for key in from_api[0]} for row in data["answers"]] == from_api
    assert data["answers"][0]["attachment_names"] == ["NORMARK-file-2.pdf"]
    assert [marker for marker in NEVER if marker in response.content.decode()] == []


def test_a_withdrawal_removes_the_rows_at_once_and_a_new_publish_brings_them_back(
    anonymous, states, focal_point_norway
):
    submission, (_unticked, ticked) = states
    first = anonymous.get(CSV)
    assert len(csv_rows(first)) == 5
    assert first["Cache-Control"] == "no-cache"
    etag = first["ETag"]
    assert anonymous.get(CSV, headers={"If-None-Match": etag}).status_code == 304

    submission_withdraw(submission=submission, user=focal_point_norway)
    after = anonymous.get(CSV, headers={"If-None-Match": etag})
    assert after.status_code == 200 and after["ETag"] != etag
    assert csv_rows(after) == []
    assert anonymous.get(JSON).json()["answers"] == []
    assert "NORMARK" not in after.content.decode()

    submission_publish(submission=submission, user=focal_point_norway, attachment_ids=[ticked.pk])
    again = anonymous.get(CSV, headers={"If-None-Match": after["ETag"]})
    assert again.status_code == 200
    assert [row["iso3"] for row in csv_rows(again)] == ["NOR"] * 5


def test_the_file_made_once_is_served_again_until_something_is_published(
    anonymous, states, django_assert_max_num_queries
):
    anonymous.get(CSV)  # made and kept
    # The cycle, the fingerprint and the time of the last change; the throttle's and the
    # cache's own queries besides. Made again, it reads every published snapshot.
    with django_assert_max_num_queries(8):
        assert len(csv_rows(anonymous.get(CSV))) == 5


def test_a_cell_a_spreadsheet_would_run_is_shown_as_typed(
    anonymous, cycle, norway, focal_point_norway, secretariat
):
    assessment = assessment_start(member_state=norway, cycle=cycle, started_by=focal_point_norway)
    answer = assessment.answers.in_catalogue_order().select_related("assessment__cycle").first()
    answer_save(
        answer=answer,
        content=AnswerContent(
            status="implemented",
            evidence='=HYPERLINK("https://evil.example","click")',
            links=["https://example.org/a"],
        ),
        base_version=0,
        user=focal_point_norway,
    )
    answer.refresh_from_db()
    second = assessment.answers.in_catalogue_order().select_related("assessment__cycle")[1]
    answer_save(
        answer=second,
        content=AnswerContent(status="not_started", evidence="@SUM(1+1)", links=[]),
        base_version=0,
        user=focal_point_norway,
    )
    file = attach(answer, focal_point_norway, name="-2+3.pdf", marker="x")
    submission_store_pdf(assessment_submit(assessment=assessment, submitted_by=focal_point_norway))
    assessment_accept(assessment=assessment, user=secretariat, seen_submission=1)
    submission_publish(
        submission=latest(assessment), user=focal_point_norway, attachment_ids=[file.pk]
    )
    rows = csv_rows(anonymous.get(CSV))
    assert rows[0]["evidence"] == '\'=HYPERLINK("https://evil.example","click")'
    assert rows[0]["attachment_names"] == "'-2+3.pdf"
    assert rows[1]["evidence"] == "'@SUM(1+1)"
    # JSON has types: the text stays exact.
    answers = anonymous.get(JSON).json()["answers"]
    assert answers[0]["evidence"] == '=HYPERLINK("https://evil.example","click")'
    assert answers[0]["attachment_names"] == ["-2+3.pdf"]
    assert answers[1]["evidence"] == "@SUM(1+1)"


def test_the_largest_evidence_goes_through_both_files_whole(
    anonymous, cycle, norway, focal_point_norway, secretariat
):
    assessment = assessment_start(member_state=norway, cycle=cycle, started_by=focal_point_norway)
    # Every line as long as the limits allow, in three scripts, with a quote and a comma.
    line = ('نص عربي, "中文" ' * 200)[: limits.EVIDENCE_MAX_CHARS // limits.EVIDENCE_MAX_LINES - 1]
    evidence = "\n".join([line] * limits.EVIDENCE_MAX_LINES)
    assert len(evidence) == limits.EVIDENCE_MAX_CHARS - 1
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

    first = csv_rows(anonymous.get(CSV))[0]
    assert first["evidence"] == evidence
    assert first["links"].split("\n") == links
    answer = anonymous.get(JSON).json()["answers"][0]
    assert answer["evidence"] == evidence
    assert answer["links"] == links


def test_a_cycle_that_does_not_exist_or_a_format_it_has_not_is_404(anonymous, states):
    for address in [
        "/api/v1/downloads/published/1999.csv",
        "/api/v1/downloads/published/2025.xlsx",
        "/api/v1/downloads/published-dictionary.xml",
    ]:
        response = anonymous.get(address)
        assert response.status_code == 404, address
        assert "detail" in response.json()


def test_a_cycle_where_nobody_published_gives_a_file_of_headers_only(anonymous, states, cycle):
    Cycle.objects.create(code="2024", name="2024 debate", deadline=cycle.deadline)
    response = anonymous.get("/api/v1/downloads/published/2024.csv")
    assert csv_rows(response) == []
    assert response.content.decode("utf-8-sig").startswith("cycle,iso3,member_state,")
    assert anonymous.get("/api/v1/downloads/published/2024.json").json()["answers"] == []


def test_the_files_are_listed_beside_the_catalogues_with_their_dictionary(anonymous, states):
    listed = anonymous.get("/api/v1/downloads/").json()
    assert listed["published"] == [
        {
            "cycle": "2025",
            "csv": "http://testserver" + CSV,
            "json": "http://testserver" + JSON,
        }
    ]
    assert listed["published_dictionary"]["csv"].endswith(
        "/api/v1/downloads/published-dictionary.csv"
    )
    dictionary = anonymous.get(listed["published_dictionary"]["json"], {"lang": "fr"}).json()
    assert [column["name"] for column in dictionary["columns"]] == [c.name for c in columns()]
    assert dictionary["licence"]["name"] == "CC BY 4.0"
    page = anonymous.get("/data/").content.decode()
    assert 'href="http://testserver/api/v1/downloads/published/2025.csv"' in page
    assert "published-answers-2025.json" in page
    assert '<code dir="ltr">attachment_sha256</code>' in page


def test_the_json_file_parses_as_a_whole(anonymous, states):
    # The file is joined from kept rows: it must still be one JSON document.
    assert json.loads(anonymous.get(JSON).content)["answers"][0]["code"] == "2013-MS-01"
