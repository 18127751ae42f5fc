"""The secretariat's global picture of one cycle: implementation by report, by
recommendation and by regional group, in a fixed number of aggregate queries."""

from collections import defaultdict

from django.db.models import Count
from django.utils.translation import gettext as _

from catalogue.models import Recommendation

from .charts import StatusCounts, empty_counts, stacked_bars
from .models import Answer, Assessment, AssessmentStatus, Cycle, MemberState, RegionalGroup

SCOPES = {
    "submitted": (AssessmentStatus.SUBMITTED, AssessmentStatus.ACCEPTED),
    "all": tuple(AssessmentStatus.values),
}


def _counts(rows, key) -> dict:
    """{key value: {status: count}} from values(key, "status").annotate(n=Count())."""
    grouped = defaultdict(empty_counts)
    for row in rows:
        grouped[row[key]][row["status"]] += row["n"]
    return grouped


def cycle_overview(cycle: Cycle, scope: str = "submitted") -> dict:
    statuses = SCOPES[scope]
    answers = Answer.objects.filter(
        assessment__cycle=cycle, assessment__status__in=statuses
    ).order_by()

    def grouped(key):
        return _counts(answers.values(key, "status").annotate(n=Count("pk")), key)

    by_year = grouped("recommendation__section__report__year")
    by_group = grouped("assessment__member_state__regional_group")
    by_recommendation = grouped("recommendation_id")
    recommendations = list(
        Recommendation.objects.for_member_states()
        .filter(section__report__cycles=cycle)
        .with_catalogue()
        .in_catalogue_order()
    )
    # Every report and group of the cycle, with zeros where nothing is counted yet.
    years = sorted({item.section.report.year for item in recommendations})
    reports = [StatusCounts(label=str(year), counts=by_year[year]) for year in years]
    groups = [
        StatusCounts(label=str(label), counts=by_group[value])
        for value, label in RegionalGroup.choices
    ]
    per_recommendation = [
        (
            recommendation,
            StatusCounts(label=recommendation.code, counts=by_recommendation[recommendation.pk]),
        )
        for recommendation in recommendations
    ]
    states = dict(
        Assessment.objects.filter(cycle=cycle)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    overall = StatusCounts(
        label=_("All reports"),
        counts={
            status: sum(report.counts[status] for report in reports) for status in empty_counts()
        },
    )
    return {
        "cycle": cycle,
        "scope": scope,
        "member_states": MemberState.objects.count(),
        "started": sum(states.values()),
        "states_by_status": [
            (label, states.get(value, 0)) for value, label in AssessmentStatus.choices
        ],
        "submitted": states.get(AssessmentStatus.SUBMITTED, 0)
        + states.get(AssessmentStatus.ACCEPTED, 0),
        "overall": overall,
        "reports": reports,
        "groups": groups,
        "recommendations": per_recommendation,
        "report_chart": stacked_bars([*reports, overall]),
        "group_chart": stacked_bars(groups, label_width=150),
    }
