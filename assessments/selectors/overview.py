"""The secretariat's global picture of one cycle: implementation by report, by
recommendation and by regional group, in a fixed number of aggregate queries."""

from django.db.models import Count
from django.utils.translation import gettext as _

from catalogue.models import Recommendation
from delegations.models import MemberState, RegionalGroup

from .. import policy
from ..counts import StatusCounts
from ..documents.charts import stacked_bars
from ..models import Answer, Assessment, AssessmentStatus, Cycle

SCOPES = policy.SCOPES


def cycle_overview(cycle: Cycle, scope: str = "submitted") -> dict:
    statuses = SCOPES[scope]
    answers = Answer.objects.filter(
        assessment__cycle=cycle, assessment__status__in=statuses
    ).order_by()

    def grouped(key) -> dict:
        """{key value: its values() row of counts by status}."""
        rows = answers.values(key).annotate(**StatusCounts.expressions())
        return {row[key]: row for row in rows}

    by_year = grouped("recommendation__section__report__year")
    by_group = grouped("assessment__member_state__regional_group")
    by_recommendation = grouped("recommendation_id")
    recommendations = list(
        Recommendation.objects.for_member_states()
        .filter(section__report__cycles=cycle)
        .with_catalogue()
        .with_translations()
        .in_catalogue_order()
    )
    # Every report and group of the cycle, with zeros where nothing is counted yet.
    years = sorted({item.section.report.year for item in recommendations})
    reports = [StatusCounts.of_row(by_year.get(year, {}), label=str(year)) for year in years]
    groups = [
        StatusCounts.of_row(by_group.get(value, {}), label=str(label))
        for value, label in RegionalGroup.choices
    ]
    per_recommendation = [
        (
            recommendation,
            StatusCounts.of_row(
                by_recommendation.get(recommendation.pk, {}), label=recommendation.code
            ),
        )
        for recommendation in recommendations
    ]
    states = dict(
        Assessment.objects.filter(cycle=cycle)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    overall = StatusCounts.combined(reports, label=_("All reports"))
    return {
        "cycle": cycle,
        "scope": scope,
        "member_states": MemberState.objects.count(),
        "started": sum(states.values()),
        "states_by_status": [
            (label, states.get(value, 0)) for value, label in AssessmentStatus.choices
        ],
        "submitted": sum(states.get(status, 0) for status in policy.SUBMITTED),
        "overall": overall,
        "reports": reports,
        "groups": groups,
        "recommendations": per_recommendation,
        "report_chart": stacked_bars(
            [*reports, overall], title=_("Answers by report"), name="report-chart"
        ),
        "group_chart": stacked_bars(
            groups, title=_("Answers by regional group"), name="group-chart"
        ),
    }
