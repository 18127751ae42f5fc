"""Status counts, one shape everywhere, and charts that say in words what they show."""

import json
from pathlib import Path

import pytest
from django.urls import reverse

from assessments.counts import STATUS_COLOURS, STATUS_ORDER, StatusCounts
from assessments.documents.charts import stacked_bars
from assessments.documents.pdf import render_country_report, report_context
from assessments.models import AnswerStatus, Assessment
from assessments.selectors.progress import assessment_progress, with_progress
from assessments.services.answers import AnswerContent, answer_save
from assessments.services.lifecycle import assessment_submit
from tests.assessments.test_pdf import text_of

pytestmark = pytest.mark.django_db


def answer_as(answer, status, user):
    answer_save(
        answer=answer,
        content=AnswerContent(status=status, evidence="", links=[]),
        base_version=answer.version,
        user=user,
    )


@pytest.fixture
def norway_answered(norway_assessment, focal_point_norway):
    """Norway's 2013 answers: implemented, partially implemented, not started; 2014 open."""
    answers = norway_assessment.answers.in_catalogue_order()
    for answer, status in zip(
        answers[:3],
        [
            AnswerStatus.IMPLEMENTED,
            AnswerStatus.PARTIALLY_IMPLEMENTED,
            AnswerStatus.NOT_STARTED,
        ],
        strict=True,
    ):
        answer_as(answer, status, focal_point_norway)
    return norway_assessment


@pytest.fixture
def norway_submitted(norway_answered, focal_point_norway):
    assessment_submit(assessment=norway_answered, submitted_by=focal_point_norway)
    return norway_answered


def test_a_query_an_annotated_assessment_and_a_snapshot_count_the_same(norway_submitted):
    expected = StatusCounts(implemented=1, partially_implemented=1, not_started=1, not_answered=2)

    _, from_query = assessment_progress(norway_submitted)
    annotated = with_progress(Assessment.objects.filter(pk=norway_submitted.pk)).get()
    snapshot = norway_submitted.submissions.get().snapshot
    from_snapshot = report_context(snapshot, draft=False)["overall"]

    assert from_query == expected
    assert StatusCounts.of_annotated(annotated) == expected
    assert from_snapshot == expected.labelled("All reports")
    assert (annotated.answered, annotated.total) == (3, 5)  # what the admin sorts and filters on


def test_counts_give_answered_total_and_percent_and_count_not_answered_as_a_status():
    counts = StatusCounts.of_statuses(["implemented", "", "not_started", ""])

    assert (counts.answered, counts.total, counts.percent) == (2, 4, 50)
    assert counts.counts == {
        "implemented": 1,
        "partially_implemented": 0,
        "not_started": 1,
        "": 2,
    }
    assert StatusCounts().percent == 0


def test_rows_follow_the_status_order_with_their_colours_and_shares():
    rows = StatusCounts(implemented=3, not_answered=1).rows()

    assert [row["status"] for row in rows] == [status.value for status in STATUS_ORDER]
    assert [row["colour"] for row in rows] == [STATUS_COLOURS[status] for status in STATUS_ORDER]
    assert [row["share"] for row in rows] == [0.75, 0, 0, 0.25]


def test_a_status_the_model_does_not_know_is_refused_rather_than_left_out():
    with pytest.raises(ValueError, match="done"):
        StatusCounts.of_statuses(["implemented", "done"])


def test_counts_of_several_parts_add_up_under_a_new_label():
    parts = [StatusCounts(implemented=1, label="2013"), StatusCounts(not_started=2, label="2014")]

    assert StatusCounts.combined(parts, label="All reports") == StatusCounts(
        implemented=1, not_started=2, label="All reports"
    )


# Charts


def test_a_chart_is_named_by_what_it_groups_by_and_described_by_its_figures():
    chart = stacked_bars(
        [
            StatusCounts(
                implemented=5, partially_implemented=3, not_started=2, not_answered=2, label="2009"
            ),
            StatusCounts(implemented=1, label="2013"),
        ],
        title="Answers by report",
        name="test-chart",
    )

    assert chart["title"] == "Answers by report"
    assert chart["description"] == (
        "2009, 10 of 12 answered (5 implemented, 3 partially implemented, 2 not started); "
        "2013, 1 of 1 answered (1 implemented, 0 partially implemented, 0 not started)"
    )


def test_the_overview_charts_describe_their_own_groups_for_a_screen_reader(
    client, secretariat, norway_submitted
):
    client.force_login(secretariat)

    page = client.get(reverse("admin:assessments_overview"))

    groups = page.context["group_chart"]["description"]
    assert (
        "Western European and other States, 3 of 5 answered "
        "(1 implemented, 1 partially implemented, 1 not started)"
    ) in groups
    assert "African States, 0 of 0 answered" in groups  # no African State has submitted
    assert "2013" not in groups
    reports = page.context["report_chart"]["description"]
    assert reports.startswith(
        "2013, 3 of 3 answered (1 implemented, 1 partially implemented, 1 not started); "
        "2014, 0 of 2 answered"
    )
    assert "All reports, 3 of 5 answered" in reports
    assert "Western European" not in reports
    html = page.content.decode()
    for name, title in [
        ("report-chart", "Answers by report"),
        ("group-chart", "Answers by regional group"),
    ]:
        assert f'role="img" aria-labelledby="{name}-title {name}-desc"' in html
        assert f'<title id="{name}-title">{title}</title>' in html
        assert f'<desc id="{name}-desc">' in html


def test_the_pdf_chart_names_the_reports_of_the_snapshot_without_adding_to_its_text():
    """The description is for assistive technology: the format 1 text stays as it was."""
    data = Path(__file__).parent / "data"
    snapshot = json.loads((data / "snapshot_v1.json").read_text(encoding="utf-8"))

    chart = report_context(snapshot, draft=False)["chart"]

    assert chart["title"] == "Answers by report"
    assert chart["description"] == (
        "2009, 2 of 3 answered (1 implemented, 1 partially implemented, 0 not started); "
        "2013, 1 of 1 answered (0 implemented, 0 partially implemented, 1 not started); "
        "All reports, 3 of 4 answered (1 implemented, 1 partially implemented, 1 not started)"
    )
    assert "answered (" not in text_of(render_country_report(snapshot))
