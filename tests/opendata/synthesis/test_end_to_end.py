"""Through the real services: States submit (the snapshot frozen by the submit), the
secretariat accepts, focal points publish; the figures are those of the snapshots, and
the public ones move only when a State publishes or withdraws."""

import pytest
from django.urls import reverse

from assessments.models import AssessmentStatus
from assessments.services.publication import submission_publish, submission_withdraw
from delegations.models import Member, MemberState
from opendata.synthesis.counts import Withheld
from opendata.synthesis.selectors import cycle_synthesis
from tests.assessments.conftest import catalogue, cycle  # noqa: F401
from tests.publishing import assessment_in, latest

from .support import body

pytestmark = pytest.mark.django_db


@pytest.fixture
def ghana(django_user_model):
    state = MemberState.objects.create(iso3="GHA", name="Ghana", regional_group="african")
    user = django_user_model.objects.create_user(username="ama", password="pw-ama")
    Member.objects.create(user=user, member_state=state, role=Member.Role.FOCAL_POINT)
    return state, user


@pytest.fixture
def three_states(
    cycle,  # noqa: F811
    norway,
    kenya,
    ghana,
    focal_point_norway,
    focal_point_kenya,
    secretariat,
    settings,
):
    """Norway, Kenya and Ghana accepted; Norway and Ghana published. A threshold of 2,
    so that three States can show every case."""
    settings.SYNTHESIS_MIN_STATES = 2
    made = {}
    for state, focal_point in (
        (norway, focal_point_norway),
        (kenya, focal_point_kenya),
        ghana,
    ):
        assessment, _files = assessment_in(
            AssessmentStatus.ACCEPTED,
            member_state=state,
            cycle=cycle,
            focal_point=focal_point,
            reviewer=secretariat,
            marker=f"MARK{state.iso3}",
            files=0,
        )
        made[state.iso3] = (latest(assessment), focal_point)
    for iso3 in ("NOR", "GHA"):
        submission, focal_point = made[iso3]
        submission_publish(submission=submission, user=focal_point)
    return made


def recommendation(synthesis, code):
    return next(figure for figure in synthesis.recommendations if figure.key == code)


def test_the_figures_are_those_the_states_submitted(three_states, cycle, focal_point_norway):  # noqa: F811
    public = cycle_synthesis(cycle, "public")
    first = recommendation(public, "2013-MS-01")
    # `fill` answered 2013-MS-01 "implemented"; the rest is not answered.
    assert first.states == 2 and first.counts.implemented == 2
    assert recommendation(public, "2013-MS-02").counts.not_answered == 2
    assert public.overall.counts.total == 2 * 5  # five Member State recommendations each


def test_the_secretariat_withholds_what_would_single_out_the_state_that_did_not_publish(
    three_states,
    cycle,  # noqa: F811
):
    secretariat = cycle_synthesis(cycle, "secretariat")
    assert recommendation(secretariat, "2013-MS-01").withheld == Withheld.FEW_UNPUBLISHED
    assert secretariat.overall.withheld == Withheld.FEW_UNPUBLISHED


def test_publishing_and_withdrawing_move_the_public_figures(
    three_states,
    cycle,  # noqa: F811
    client,
):
    submission, focal_point = three_states["KEN"]
    submission_publish(submission=submission, user=focal_point)
    data = body(client.get(reverse("opendata:synthesis_json", args=[cycle.code])))
    assert b'"states": 3' in data
    # Every State published now: the secretariat's figures are the public ones.
    assert (
        recommendation(cycle_synthesis(cycle, "secretariat"), "2013-MS-01").counts
        == recommendation(cycle_synthesis(cycle, "public"), "2013-MS-01").counts
    )
    submission_withdraw(submission=three_states["NOR"][0], user=three_states["NOR"][1])
    public = cycle_synthesis(cycle, "public")
    assert recommendation(public, "2013-MS-01").states == 2
    assert three_states["NOR"][0].pk not in public.submissions


def test_an_answer_saved_after_the_submission_is_not_counted(three_states, cycle):  # noqa: F811
    submission, _focal_point = three_states["NOR"]
    answer = submission.assessment.answers.get(recommendation__code="2013-MS-02")
    before = cycle_synthesis(cycle, "public")
    # The live answer changes (written directly: an accepted assessment is final, no
    # service would); the snapshot does not, and it is what is counted.
    answer.status = "not_started"
    answer.save(update_fields=["status"])
    assert cycle_synthesis(cycle, "public") == before
