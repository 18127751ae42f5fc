"""Each status rule has one definition (assessments/policy.py): its predicate and its
database filter agree, and nothing else in the product decides on a status."""

import ast
import datetime
import re
from pathlib import Path

import pytest
from django.urls import reverse

from assessments import policy
from assessments.models import Assessment, AssessmentStatus, Cycle
from assessments.selectors.chasing import chasing_states
from assessments.services.lifecycle import assessment_start
from delegations.models import MemberState

REPO = Path(__file__).resolve().parents[2]
PRODUCT = ["accounts", "assessments", "catalogue", "delegations", "r2p_site"]
# Where a status may be named: the rules, and the model that declares the statuses.
RULES = {"assessments/policy.py", "assessments/models.py"}
STATUS_WORDS = set(AssessmentStatus.values)


def _names_a_status(node: ast.AST) -> bool:
    """Whether `node` holds an assessment status: a member of AssessmentStatus (however
    it is imported) or the string of one compared with a status."""
    for child in ast.walk(node):
        if (
            isinstance(child, ast.Attribute)
            and isinstance(child.value, ast.Name)
            and child.value.id in ("AssessmentStatus", "Status")
            and child.attr in {member.name for member in AssessmentStatus}
        ):
            return True
    return False


def _is_status(node: ast.AST) -> bool:
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return name in ("status", "to_status", "from_status")


def status_decisions(source: str) -> list[int]:
    """The lines of `source` that decide on an assessment's status: comparisons,
    membership tests, filters and sets of statuses (a transition's target, `to=`, names
    a status without deciding on one)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(_names_a_status(operand) for operand in operands) or (
                any(_is_status(operand) for operand in operands)
                and any(
                    isinstance(operand, ast.Constant) and operand.value in STATUS_WORDS
                    for operand in operands
                )
            ):
                found.append(node.lineno)
        elif isinstance(node, ast.keyword) and node.arg and node.arg != "to":
            if re.search(r"(^|__)status(__in)?$", node.arg) and _names_a_status(node.value):
                found.append(node.value.lineno)
        elif isinstance(node, (ast.Tuple, ast.List, ast.Set)) and any(
            _names_a_status(element) for element in node.elts
        ):
            found.append(node.lineno)
    return sorted(set(found))


def product_files():
    for package in PRODUCT:
        for path in sorted((REPO / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_nothing_outside_the_policy_decides_on_an_assessments_status():
    found = [
        f"{path.relative_to(REPO)}:{line}"
        for path in product_files()
        if str(path.relative_to(REPO)) not in RULES
        for line in status_decisions(path.read_text())
    ]
    assert found == []


def test_no_template_compares_status_strings():
    compares = re.compile(r"status\s*(==|!=)\s*[\"'](draft|submitted|returned|accepted)[\"']")
    found = [
        f"{path.relative_to(REPO)}: {match.group()}"
        for path in sorted((REPO / "templates").rglob("*.html"))
        for match in compares.finditer(path.read_text())
    ]
    assert found == []


@pytest.mark.parametrize(
    "source",
    [
        "if assessment.status == AssessmentStatus.DRAFT: pass",
        "ok = status in (AssessmentStatus.DRAFT, AssessmentStatus.RETURNED)",
        "x = Assessment.objects.filter(status=AssessmentStatus.SUBMITTED)",
        "x = Q(current__status__in=[AssessmentStatus.ACCEPTED])",
        "if change.to_status == 'returned': pass",
        "EDITABLE = (Status.DRAFT, Status.RETURNED)",
    ],
)
def test_the_reader_finds_every_form_of_decision(source):
    assert status_decisions(source) == [1]


def test_the_reader_leaves_a_transitions_target_and_the_choices_alone():
    source = (
        "assessment_transition(assessment=a, to=AssessmentStatus.SUBMITTED, user=u)\n"
        "choices = AssessmentStatus.choices\n"
        "if filters.status == NOT_STARTED: pass\n"
    )
    assert status_decisions(source) == []


# The predicates and their filters agree.

STATUSES = [None, *AssessmentStatus.values]


@pytest.fixture
def every_status(cycle, norway):
    """One State per status of an assessment in `cycle`, and one that never started."""
    states = {}
    for index, status in enumerate(STATUSES):
        state = MemberState.objects.create(
            name=f"State {index}", iso3=f"Q{'ABCDE'[index]}Z", regional_group="african"
        )
        if status is not None:
            assessment = assessment_start(member_state=state, cycle=cycle, started_by=None)
            Assessment.objects.filter(pk=assessment.pk).update(status=status)
        states[status] = state
    return states


@pytest.mark.parametrize("cycle_open", [True, False])
def test_may_edit_and_the_edit_locks_filter_agree(every_status, cycle, cycle_open):
    Cycle.objects.filter(pk=cycle.pk).update(is_open=cycle_open)
    assessments = Assessment.objects.filter(cycle=cycle).select_related("cycle")
    matched = set(assessments.filter(policy.editable_q()).values_list("status", flat=True))
    assert matched == {a.status for a in assessments if policy.may_edit(a)}
    assert matched == (set(policy.EDITABLE) if cycle_open else set())


def test_the_deadline_and_its_filter_agree_for_states_never_started_too(every_status, cycle):
    today = cycle.deadline + datetime.timedelta(days=1)
    rows = {state.name: state for state in chasing_states(cycle, now=_at(today))}
    for status, state in every_status.items():
        assert rows[state.name].overdue == policy.is_overdue(status, cycle.deadline, today)
        assert rows[state.name].overdue == policy.deadline_binds(status)


def test_only_a_submitted_assessment_may_be_returned_or_accepted():
    assert [s for s in AssessmentStatus.values if policy.may_be_reviewed(s)] == ["submitted"]


def test_reminders_and_extensions_go_only_where_the_deadline_binds():
    binds = [None, AssessmentStatus.DRAFT]
    for status in STATUSES:
        assert (not policy.reminder_refusal(status)) == (status in binds)
        assert policy.may_get_extension(status, cycle_open=True) == (status in binds)
        assert not policy.may_get_extension(status, cycle_open=False)


def test_the_chasing_desk_offers_an_extension_only_where_it_will_count(
    client, secretariat, every_status, cycle
):
    client.force_login(secretariat)
    page = client.get(reverse("admin:assessments_chasing"), {"cycle": cycle.code})
    html = page.content.decode()
    for status, state in every_status.items():
        grant = f"?member_state={state.pk}&amp;cycle={cycle.pk}"
        assert (grant in html) == (status in (None, AssessmentStatus.DRAFT)), status


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)
