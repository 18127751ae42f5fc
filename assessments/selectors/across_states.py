"""How every State answered one recommendation, or every recommendation of a theme, for
the secretariat: counts by status, each State's status and evidence, by regional group.

The answers counted are those of the overview (overview.SCOPES): by default the
submitted and accepted assessments, whose answers are read-only while submitted and
final once accepted; on request also the drafts as they stand. The page says which,
and names the States that have nothing counted here (never started, or not submitted).
Four queries whatever the number of States.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from catalogue.models import Recommendation
from delegations.collation import by_state_name, sorted_by_name
from delegations.models import MemberState, RegionalGroup

from ..counts import StatusCounts
from ..models import ANSWER_ORDER, Answer, Assessment, Attachment, Cycle
from .exports import export_row, exported_line
from .overview import SCOPES
from .review import status_view


@dataclass
class CrossStateRow:
    answer: Answer
    files: list[str]

    @property
    def state(self):
        return self.answer.assessment.member_state

    @property
    def status_view(self):
        return status_view(self.answer.status)


@dataclass
class CrossState:
    cycle: Cycle
    scope: str
    group: str
    recommendations: list[Recommendation]
    rows: list[CrossStateRow]
    per_recommendation: list[tuple[Recommendation, StatusCounts]]
    overall: StatusCounts
    # The States (of the group) with no assessment in the scope: not started, or not
    # submitted when only submitted assessments are counted.
    without_answers: list[MemberState]

    @property
    def per_recommendation_counts(self) -> list[StatusCounts]:
        return [counts for _item, counts in self.per_recommendation]

    def about(self, subject) -> list[str]:
        """What an export of the view holds, said on its second sheet."""
        lines = [
            _("Across States: %(subject)s, cycle %(cycle)s.")
            % {"subject": subject, "cycle": self.cycle.code},
            _(
                "The answers of the assessments submitted or accepted in this cycle. Drafts "
                "are not included."
            )
            if self.scope == "submitted"
            else _(
                "The answers of every assessment of this cycle as they stood, drafts "
                "included: the Source column says which rows are live drafts."
            ),
        ]
        if self.group:
            lines.append(
                _("Regional group: %(group)s.") % {"group": RegionalGroup(self.group).label}
            )
        lines.append(exported_line())
        return lines


def cross_state_answers(
    *, cycle: Cycle, recommendations: list[Recommendation], scope: str = "submitted", group=""
) -> CrossState:
    """The answers of every State to `recommendations` in `cycle`, by State then in
    catalogue order; `group` narrows them to one regional group."""
    answers = Answer.objects.filter(
        assessment__cycle=cycle,
        assessment__status__in=SCOPES[scope],
        recommendation__in=recommendations,
    )
    if group:
        answers = answers.filter(assessment__member_state__regional_group=group)
    answers = by_state_name(
        answers.with_catalogue()
        .select_related("assessment__member_state", "assessment__cycle")
        .order_by(*ANSWER_ORDER),
        state=lambda answer: answer.assessment.member_state,
    )
    files = defaultdict(list)
    for answer_id, name in (
        Attachment.objects.filter(answer__in=[answer.pk for answer in answers])
        .order_by("pk")
        .values_list("answer_id", "original_name")
    ):
        files[answer_id].append(name)
    states = MemberState.objects.exclude(
        pk__in=Assessment.objects.filter(cycle=cycle, status__in=SCOPES[scope]).values(
            "member_state"
        )
    )
    if group:
        states = states.filter(regional_group=group)
    statuses = defaultdict(list)
    for answer in answers:
        statuses[answer.recommendation_id].append(answer.status)
    per_recommendation = [
        (item, StatusCounts.of_statuses(statuses[item.pk], label=item.code))
        for item in recommendations
    ]
    return CrossState(
        cycle=cycle,
        scope=scope,
        group=group,
        recommendations=recommendations,
        rows=[CrossStateRow(answer=answer, files=files[answer.pk]) for answer in answers],
        per_recommendation=per_recommendation,
        overall=StatusCounts.combined(
            (counts for _item, counts in per_recommendation), label=_("All")
        ),
        without_answers=sorted_by_name(states),
    )


def cross_state_rows(view: CrossState):
    """The rows of the view, as the answers export writes them (`exports.export_header`)."""
    for row in view.rows:
        yield export_row(row.answer, row.files)
