"""Recommendations added to a cycle reach its assessments when the secretariat saves
them, never as a side effect of someone reading a page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.services.lifecycle import assessment_submit, assessment_sync_answers
from catalogue.models import Recommendation, Report, Section, Target

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")
# Sign-in bookkeeping, not data: the session's activity time and the rate counters.
BOOKKEEPING = ('"django_session"', '"r2p_cache"', "django_session", "r2p_cache")


def data_writes(queries) -> list[str]:
    return [
        query["sql"]
        for query in queries
        if query["sql"].lstrip().upper().startswith(WRITES)
        and not any(table in query["sql"] for table in BOOKKEEPING)
    ]


def add_recommendation_directly():
    """As a catalogue import or a data fix would: not through the admin."""
    section = Section.objects.get(report__year=2014, target__code="MS")
    return Recommendation.objects.create(
        section=section, position=3, code="2014-MS-03", text="A new one."
    )


def test_reading_the_delegations_pages_writes_nothing(
    client, focal_point_norway, norway_assessment, first_answer
):
    add_recommendation_directly()
    client.force_login(focal_point_norway)
    client.get(reverse("home"))  # the session's first request records its start
    pk = norway_assessment.pk
    pages = [
        reverse("assessments:home"),
        reverse("assessments:assessment_detail", args=[pk]),
        reverse("assessments:report_answers", args=[pk, 2013]),
        reverse("assessments:report_answers", args=[pk, 2014]),
        reverse("assessments:answer_history", args=[pk, first_answer.pk]),
        reverse("assessments:assessment_submit", args=[pk]),
    ]
    for page in pages:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page).status_code == 200, page
        assert data_writes(queries) == [], page
    assert not norway_assessment.answers.filter(recommendation__code="2014-MS-03").exists()


def test_reading_the_review_desk_writes_nothing(client, secretariat, norway_assessment):
    client.force_login(secretariat)
    client.get(reverse("admin:index"))
    for page in [
        reverse("admin:assessments_assessment_changelist"),
        reverse("admin:assessments_assessment_change", args=[norway_assessment.pk]),
        reverse("admin:assessments_overview"),
    ]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page).status_code == 200, page
        assert data_writes(queries) == [], page


def test_a_recommendation_the_secretariat_adds_reaches_the_open_cycles_assessments(
    client, secretariat, norway_assessment, kenya_assessment
):
    client.force_login(secretariat)
    section = Section.objects.get(report__year=2014, target__code="MS")

    result = client.post(
        reverse("admin:catalogue_recommendation_add"),
        {
            "section": section.pk,
            "position": 3,
            "text": "Adopt a national action plan.",
            "translations-TOTAL_FORMS": "0",
            "translations-INITIAL_FORMS": "0",
        },
    )

    assert result.status_code == 302
    for assessment in (norway_assessment, kenya_assessment):
        answer = assessment.answers.get(recommendation__code="2014-MS-03")
        assert (answer.status, answer.version) == ("", 0)


def test_a_submission_covers_a_recommendation_added_without_the_admin(
    norway_assessment, focal_point_norway
):
    add_recommendation_directly()
    submission = assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)
    codes = [a["code"] for report in submission.snapshot["reports"] for a in report["answers"]]
    assert "2014-MS-03" in codes


def test_the_sync_finds_what_the_orm_reads_as_unanswered(
    norway_assessment, kenya_assessment, focal_point_norway
):
    """The submit's query, written in SQL (lifecycle._unanswered_sql), against the rule
    in the ORM: the cycle's recommendations to Member States without an answer of this
    assessment. Around it: answers of another assessment, recommendations to another
    addressee, and a report outside the cycle."""
    added = add_recommendation_directly()
    outside = Report.objects.create(
        year=2099, number=1, symbol="A/99/1", title="Outside the cycle", focus=""
    )
    Recommendation.objects.create(
        section=Section.objects.create(report=outside, target=Target.objects.get(code="MS")),
        position=1,
        code="2099-MS-01",
        text="Not in the cycle.",
    )
    norway_assessment.answers.filter(recommendation__code="2013-MS-02").delete()
    kenya_assessment.answers.filter(recommendation__code="2013-MS-03").delete()
    orm = set(
        Recommendation.objects.for_member_states()
        .filter(section__report__cycles=norway_assessment.cycle)
        .exclude(answers__assessment=norway_assessment)
        .values_list("code", flat=True)
    )
    assert orm == {added.code, "2013-MS-02"}

    assert assessment_sync_answers(assessment=norway_assessment) == 2
    assert (
        set(
            norway_assessment.answers.filter(version=0, status="")
            .filter(recommendation__code__in=orm)
            .values_list("recommendation__code", flat=True)
        )
        == orm
    )
    assert not norway_assessment.answers.filter(recommendation__code="2099-MS-01").exists()
    assert assessment_sync_answers(assessment=norway_assessment) == 0
