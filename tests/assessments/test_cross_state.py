"""The secretariat's view across States of one recommendation or one theme: counts, each
State's answer, regional groups, exports, and a query count that does not grow with States."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from assessments.models import AssessmentStatus
from assessments.services.answers import AnswerContent, answer_save
from assessments.services.lifecycle import assessment_start
from catalogue.models import Recommendation, Theme, ThemeLink
from delegations.models import MemberState, RegionalGroup

pytestmark = pytest.mark.django_db


@pytest.fixture
def theme(catalogue):
    theme = Theme.objects.create(name="Focal points", slug="focal-points", position=1)
    for code in ["2013-MS-01", "2014-MS-02"]:
        ThemeLink.objects.create(
            theme=theme, recommendation=Recommendation.objects.get(code=code), reason="Test."
        )
    return theme


def answer(assessment, user, code, status, evidence=""):
    current = assessment.answers.get(recommendation__code=code)
    current.assessment = assessment
    answer_save(
        answer=current,
        content=AnswerContent(status=status, evidence=evidence, links=[]),
        base_version=current.version,
        user=user,
    )


def submit(assessment):
    # The status alone decides what is counted; the submission itself is tested elsewhere.
    type(assessment).objects.filter(pk=assessment.pk).update(status=AssessmentStatus.SUBMITTED)


def recommendation_url(code="2013-MS-01"):
    return reverse("admin:assessments_cross_state_recommendation", args=[code])


def theme_url(slug="focal-points"):
    return reverse("admin:assessments_cross_state_theme", args=[slug])


@pytest.fixture
def answered(norway_assessment, kenya_assessment, focal_point_norway, focal_point_kenya):
    answer(norway_assessment, focal_point_norway, "2013-MS-01", "implemented", "=HYPERLINK(1)")
    answer(kenya_assessment, focal_point_kenya, "2013-MS-01", "not_started", "Planned for 2026.")
    submit(norway_assessment)  # Kenya's stays a draft


def test_submitted_answers_are_shown_by_default_and_drafts_on_request(
    client, secretariat, answered
):
    client.force_login(secretariat)

    submitted = client.get(recommendation_url())
    everything = client.get(recommendation_url(), {"scope": "all"})

    assert [row.state.name for row in submitted.context["view"].rows] == ["Norway"]
    assert "Drafts are not counted" in submitted.content.decode()
    view = everything.context["view"]
    assert [(row.state.name, row.answer.status) for row in view.rows] == [
        ("Kenya", "not_started"),
        ("Norway", "implemented"),
    ]
    assert (view.overall.implemented, view.overall.not_started) == (1, 1)
    assert "Planned for 2026." in everything.content.decode()


def test_the_view_narrows_to_one_regional_group(client, secretariat, answered):
    client.force_login(secretariat)
    response = client.get(recommendation_url(), {"scope": "all", "group": RegionalGroup.AFRICAN})
    assert [row.state.name for row in response.context["view"].rows] == ["Kenya"]
    assert client.get(recommendation_url(), {"group": "martian"}).status_code == 404


def test_a_theme_shows_every_state_for_each_of_its_recommendations(
    client, secretariat, answered, theme
):
    client.force_login(secretariat)
    view = client.get(theme_url(), {"scope": "all"}).context["view"]
    assert [(row.state.iso3, row.answer.recommendation.code) for row in view.rows] == [
        ("KEN", "2013-MS-01"),
        ("KEN", "2014-MS-02"),
        ("NOR", "2013-MS-01"),
        ("NOR", "2014-MS-02"),
    ]
    assert [(item.code, counts.answered) for item, counts in view.per_recommendation] == [
        ("2013-MS-01", 2),
        ("2014-MS-02", 0),
    ]


def test_the_csv_and_xlsx_exports_hold_the_rows_with_formulas_kept_as_text(
    client, secretariat, answered
):
    client.force_login(secretariat)

    result = client.get(recommendation_url(), {"scope": "all", "format": "csv"})
    rows = list(csv.reader(io.StringIO(result.content.decode("utf-8-sig"))))
    workbook = client.get(recommendation_url(), {"scope": "all", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(workbook.content)).active

    assert 'filename="R2P-2013-MS-01-2025-all.csv"' in result["Content-Disposition"]
    assert rows[0][:3] == ["Member State", "ISO code", "Regional group"]
    assert len(rows) == 3
    by_state = {row[1]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    norway = by_state["NOR"]
    assert norway["Recommendation"] == "2013-MS-01"
    assert norway["Target"] == "Member States"
    assert (norway["Source"], by_state["KEN"]["Source"]) == (
        "Submitted answers",
        "Live draft, not submitted",
    )
    assert norway["Status"] == "Implemented"
    # A CSV has no cell types: the apostrophe is what keeps the text from running.
    assert norway["Evidence"] == "'=HYPERLINK(1)"
    # The XLSX has the text exactly, in a string cell with the quote prefix.
    xlsx_rows = [
        ["" if value is None else str(value) for value in row]
        for row in sheet.iter_rows(values_only=True)
    ]
    evidence = rows[0].index("Evidence")
    assert xlsx_rows == [
        [*row[:evidence], row[evidence].removeprefix("'"), *row[evidence + 1 :]] for row in rows
    ]
    [cell] = [
        cell for cell in sheet[get_column_letter(evidence + 1)] if cell.value == "=HYPERLINK(1)"
    ]
    assert (cell.data_type, cell.quotePrefix) == ("s", True)


def test_the_query_count_does_not_grow_with_the_number_of_states(
    client, secretariat, cycle, theme, focal_point_norway
):
    client.force_login(secretariat)
    client.get(theme_url())  # sessions and content types are cached after this

    def add_states(count, start):
        for index in range(start, start + count):
            state = MemberState.objects.create(
                name=f"State {index}",
                iso3="Z" + chr(65 + index // 26) + chr(65 + index % 26),
                regional_group=RegionalGroup.ASIA_PACIFIC,
            )
            assessment = assessment_start(
                member_state=state, cycle=cycle, started_by=focal_point_norway
            )
            submit(assessment)

    def queries(url, **params):
        with CaptureQueriesContext(connection) as context:
            response = client.get(url, {"scope": "all", **params})
        assert response.status_code == 200
        return len(context.captured_queries), len(response.context["view"].rows)

    add_states(2, 0)
    few = [queries(theme_url()), queries(recommendation_url())]
    add_states(18, 2)
    many = [queries(theme_url()), queries(recommendation_url())]

    assert [count for count, _rows in few] == [count for count, _rows in many]
    assert [rows for _count, rows in few] == [2 * 2, 2]
    assert [rows for _count, rows in many] == [20 * 2, 20]


def test_the_states_with_nothing_counted_are_named(client, secretariat, answered, cycle):
    """Norway submitted, Kenya has a draft; a State that never started is named too."""
    MemberState.objects.create(name="Tuvalu", iso3="TUV", regional_group=RegionalGroup.ASIA_PACIFIC)
    client.force_login(secretariat)

    submitted = client.get(recommendation_url()).context["view"]
    everything = client.get(recommendation_url(), {"scope": "all"}).context["view"]
    asia = client.get(recommendation_url(), {"group": RegionalGroup.ASIA_PACIFIC})

    assert [state.name for state in submitted.without_answers] == ["Kenya", "Tuvalu"]
    assert [state.name for state in everything.without_answers] == ["Tuvalu"]
    assert [state.name for state in asia.context["view"].without_answers] == ["Tuvalu"]
    assert "2 States have nothing counted here" in client.get(recommendation_url()).content.decode()


def test_delegates_and_anonymous_visitors_never_reach_the_view(
    client, focal_point_norway, answered, theme
):
    for url in (recommendation_url(), theme_url()):
        response = client.get(url, {"format": "csv"})
        assert response.status_code == 302 and "/login/" in response.url
        assert b"Norway" not in response.content
    client.force_login(focal_point_norway)
    for url in (recommendation_url(), theme_url()):
        response = client.get(url, {"format": "csv"})
        assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))


def test_staff_without_the_review_permission_are_refused(
    client, django_user_model, answered, theme
):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    staff = django_user_model.objects.create_user("helpdesk", is_staff=True)
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    client.force_login(staff)
    assert client.get(recommendation_url(), {"format": "csv"}).status_code == 403
    assert client.get(theme_url()).status_code == 403


def test_unknown_recommendations_and_themes_answer_404(client, secretariat, cycle, theme):
    client.force_login(secretariat)
    assert client.get(recommendation_url("2013-UN-01")).status_code == 404  # not to States
    assert client.get(recommendation_url("1999-MS-01")).status_code == 404
    assert client.get(theme_url("no-such-theme")).status_code == 404


def test_the_overview_and_the_review_page_link_to_the_view(client, secretariat, answered, theme):
    client.force_login(secretariat)
    overview = client.get(reverse("admin:assessments_overview")).content.decode()
    assert recommendation_url() in overview
    assert theme_url() in overview
    norway = MemberState.objects.get(iso3="NOR").assessments.get()
    review = client.get(reverse("admin:assessments_assessment_change", args=[norway.pk]))
    assert recommendation_url() in review.content.decode()
