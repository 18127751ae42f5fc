"""The chasing desk: every Member State in one cycle, started or not, and how far it is.

One query for all 193 States (each with its assessment in the cycle through a LEFT
JOIN, or none) and one for their focal points, whatever the number of States.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from delegations.models import Member, MemberState, RegionalGroup

from .. import policy
from ..counts import StatusCounts
from ..models import AssessmentStatus, Cycle, Extension, deadline_in_force_sql, utc_today

NOT_STARTED = "not_started"


@dataclass(frozen=True)
class ChasingFilters:
    """What the desk is narrowed to; an unknown value narrows nothing."""

    status: str = ""  # an assessment status, or NOT_STARTED
    regional_group: str = ""
    overdue: str = ""  # "yes" or "no"
    focal_point: str = ""  # "yes" or "no"

    @classmethod
    def from_query(cls, query) -> "ChasingFilters":
        def pick(name, allowed):
            value = query.get(name, "")
            return value if value in allowed else ""

        return cls(
            status=pick("status", [*AssessmentStatus.values, NOT_STARTED]),
            regional_group=pick("group", RegionalGroup.values),
            overdue=pick("overdue", ["yes", "no"]),
            focal_point=pick("focal_point", ["yes", "no"]),
        )


def chasing_states(
    cycle: Cycle, filters: ChasingFilters = ChasingFilters(), now: datetime | None = None
):
    """Member States annotated with their assessment in `cycle` (None where not started):
    `assessment_id`, `status`, `last_activity_at`, the status counts, `extended_until`
    (the extension in force), `focal_point_count`, `overdue`; `focal_points` prefetched.

    Overdue is `policy.overdue_q`, for States that never started too: not submitted yet,
    and the deadline day (or the extension's) over in UTC.
    """
    extension = Extension.objects.filter(member_state=OuterRef("pk"), cycle=cycle).order_by(
        "-granted_at", "-pk"
    )
    focal_points = Member.objects.filter(role=Member.Role.FOCAL_POINT)
    focal_point_count = (
        focal_points.filter(member_state=OuterRef("pk"))
        .order_by()
        .values("member_state")
        .annotate(count=Count("pk"))
        .values("count")
    )
    states = (
        MemberState.objects.annotate(
            current=FilteredRelation("assessments", condition=Q(assessments__cycle=cycle))
        )
        .annotate(
            assessment_id=F("current__pk"),
            status=F("current__status"),
            last_activity_at=F("current__last_activity_at"),
            extended_until=Subquery(extension.values("until")[:1]),
            focal_point_count=Coalesce(Subquery(focal_point_count), 0),
        )
        .annotate(
            submission_deadline=deadline_in_force_sql("extended_until", cycle.deadline),
            extension_in_force=Case(
                When(extended_until__gt=cycle.deadline, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .annotate(
            overdue=Case(
                When(
                    policy.overdue_q(
                        status_field="status",
                        deadline_field="submission_deadline",
                        today=utc_today(now),
                    ),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )
    states = _narrowed(states, filters)
    return (
        states.annotate(**StatusCounts.expressions("current__answers"))
        .prefetch_related(
            Prefetch(
                "members",
                queryset=focal_points.select_related("user").order_by("user__username"),
                to_attr="focal_points",
            )
        )
        .order_by("name")
    )


def _narrowed(states, filters: ChasingFilters):
    if filters.status == NOT_STARTED:
        states = states.filter(assessment_id__isnull=True)
    elif filters.status:
        states = states.filter(status=filters.status)
    if filters.regional_group:
        states = states.filter(regional_group=filters.regional_group)
    if filters.overdue:
        states = states.filter(overdue=filters.overdue == "yes")
    if filters.focal_point:
        states = (
            states.filter(focal_point_count__gt=0)
            if filters.focal_point == "yes"
            else (states.filter(focal_point_count=0))
        )
    return states


# The ways of choosing the States to remind at once, besides ticking them one by one:
# each works without JavaScript, among the States the desk lists.
CHOICES = ("listed", "overdue", NOT_STARTED)


def remindable(states) -> dict[str, list]:
    """Of the States listed (`chasing_states`), those a reminder applies to, for each of
    CHOICES; in Python, over the rows already loaded."""
    applies = [state for state in states if not policy.reminder_refusal(state.status)]
    return {
        "listed": applies,
        "overdue": [state for state in applies if state.overdue],
        NOT_STARTED: [state for state in applies if state.assessment_id is None],
    }
