"""What a withheld figure still gave away, and the rules that close it: a withheld
figure shows no number of States (they add up: the whole's less those shown), and a
figure where (nearly) every State not published gave one status is withheld, since it
reveals their answers without any small count. See opendata/synthesis/counts.py."""

import json

import pytest
from django.urls import reverse

from assessments.models import Submission
from delegations.models import MemberState
from opendata.models import SynthesisDocument
from opendata.synthesis.counts import (
    Answered,
    Cell,
    Counted,
    Withheld,
    protect_partition,
    synthesize,
)
from opendata.synthesis.exports import figure_data

from .conftest import CODES, snapshot_of, submit
from .test_threshold import FIXED_NOW, everything

PUBLIC = SynthesisDocument.Audience.PUBLIC
SECRETARIAT = SynthesisDocument.Audience.SECRETARIAT
I, P, N, _ = "implemented", "partially_implemented", "not_started", ""  # noqa: E741
# Each State gives one status throughout; in turn, so that no group agrees.
TURNS = [I, P, N, _]

# The regional groups of 10, 5, 4 and 1 States.
SIZES = {"african": 10, "asia_pacific": 5, "eastern_european": 4, "latin_american_caribbean": 1}


def state(iso3, group, statuses, *, public, number=0) -> Counted:
    return Counted(
        submission=number,
        state=iso3,
        group=group,
        public=public,
        answers=tuple(
            Answered(code=code, year=int(code[:4]), status=status)
            for code, status in statuses.items()
        ),
    )


def groups_of(sizes: dict, statuses_of, *, public: bool) -> list[Counted]:
    """`sizes` States per group; the n-th State of all answers 2013-MS-01 with
    statuses_of(n)."""
    counted = []
    for group, size in sizes.items():
        for _n in range(size):
            n = len(counted)
            counted.append(
                state(f"S{n:02}", group, {"2013-MS-01": statuses_of(n)}, public=public, number=n)
            )
    return counted


def iso3(n: int) -> str:
    """A State code of the right form (three capitals), the n-th."""
    return "Q" + chr(65 + n // 26) + chr(65 + n % 26)


def by_key(figures) -> dict:
    return {figure.key: figure for figure in figures}


def every_figure(synthesis):
    for _kind, figures in synthesis.tables():
        yield from figures


# A withheld figure's number of States.


@pytest.mark.parametrize("public", [True, False])
def test_a_complementary_figure_does_not_give_the_number_of_states_of_the_one_it_protects(public):
    counted = groups_of(SIZES, lambda n: TURNS[n % 4], public=public)
    synthesis = synthesize(counted, audience=PUBLIC if public else SECRETARIAT, min_states=3)
    groups = by_key(synthesis.groups)
    assert groups["latin_american_caribbean"].withheld == Withheld.FEW_STATES
    assert groups["eastern_european"].withheld == Withheld.COMPLEMENTARY
    # The whole (20) less the groups shown (10 and 5) is 5, shared between the two
    # withheld groups in a way nothing shows: with the 4, the 1 would follow.
    assert synthesis.overall.states == 20
    assert [groups[key].states for key in ("african", "asia_pacific")] == [10, 5]
    for figure in every_figure(synthesis):
        if not figure.shown:
            assert figure.states is None and figure.counts is None, figure
            data = figure_data(figure)
            assert (data["states"], data["counts"], data["total"]) == (None, None, None)


def test_every_withheld_reason_leaves_the_number_of_states_out():
    # Report 2014: two recommendations of two States each, both withheld; the report,
    # four States, has nothing to count and is withheld with them, its 4 left out.
    late = [
        state(f"L{n}", "african", {f"2014-MS-0{1 + n // 2}": TURNS[n]}, public=True, number=9 + n)
        for n in range(4)
    ]
    counted = groups_of({"african": 3}, lambda n: TURNS[n], public=True) + late
    reports = by_key(synthesize(counted, audience=PUBLIC, min_states=3).reports)
    assert reports["2014"].withheld == Withheld.COMPLEMENTARY and reports["2014"].states is None
    # Four States answer, one of them not published: few unpublished, no number.
    counted = groups_of({"african": 4}, lambda n: TURNS[n], public=True)
    counted[0] = state("S00", "african", {"2013-MS-01": I}, public=False)
    synthesis = synthesize(counted, audience=SECRETARIAT, min_states=3)
    overall = synthesis.overall
    assert overall.withheld == Withheld.FEW_UNPUBLISHED and overall.states is None


@pytest.fixture
def twenty_states(synthesis_cycle, author, request):
    """20 States in groups of 10, 5, 4 and 1, their statuses in turn (no group agrees);
    published or not as the test's audience needs. {State code: submission}."""
    how = "published" if request.param == PUBLIC else "private"
    submissions = {}
    for group, size in SIZES.items():
        for _n in range(size):
            code = iso3(len(submissions))
            statuses = [TURNS[len(submissions) % 4]] * len(CODES)
            submissions[code] = submit(synthesis_cycle, code, group, how, statuses, author)
    return request.param, submissions


def move(submission: Submission, group: str) -> None:
    """The State of `submission` in another regional group, in its snapshot too."""
    member_state = submission.assessment.member_state
    MemberState.objects.filter(pk=member_state.pk).update(regional_group=group)
    member_state.refresh_from_db()
    reports = submission.snapshot["reports"]
    statuses = [answer["status"] for report in reports for answer in report["answers"]]
    Submission.objects.filter(pk=submission.pk).update(
        snapshot=snapshot_of(member_state, submission.assessment.cycle, statuses)
    )


@pytest.fixture
def fixed_time(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: FIXED_NOW)


@pytest.mark.parametrize("twenty_states", [PUBLIC, SECRETARIAT], indirect=True)
def test_how_the_withheld_groups_share_their_states_shows_in_no_format(
    client, secretariat, synthesis_cycle, twenty_states, fixed_time
):
    """4 and 1 States, or 3 and 2: the same two groups withheld, and every format, byte
    for byte, the same; shown, the numbers of States would differ."""
    audience, submissions = twenty_states
    if audience == SECRETARIAT:
        client.force_login(secretariat)
    before = everything(client, synthesis_cycle, audience)
    groups = {item["key"]: item for item in before["json"]["figures"]["group"]}
    assert groups["eastern_european"]["withheld"] == "complementary"
    assert groups["latin_american_caribbean"]["withheld"] == "few_states"
    assert groups["eastern_european"]["states"] is None
    # One Eastern European State moves: the two groups together hold the same States.
    moving = next(
        submission
        for submission in submissions.values()
        if submission.assessment.member_state.regional_group == "eastern_european"
    )
    move(moving, "latin_american_caribbean")
    after = everything(client, synthesis_cycle, audience)
    before["json"].pop("generated_at"), after["json"].pop("generated_at")
    assert after["json"] == before["json"]
    assert after["csv"] == before["csv"]
    assert after["page"] == before["page"]
    assert after["pdf"] == before["pdf"]


# Dominance: every State not published (or all but one, at the default threshold)
# gave the same status.


def test_twenty_of_twenty_implemented_is_withheld_from_the_secretariats_figures():
    counted = groups_of(SIZES, lambda n: I, public=False)
    synthesis = synthesize(counted, audience=SECRETARIAT, min_states=3)
    recommendation = by_key(synthesis.recommendations)["2013-MS-01"]
    assert recommendation.withheld == Withheld.SAME_STATUS and recommendation.counts is None
    assert recommendation.note.startswith("withheld: the States behind it that have not")
    # Nothing anywhere counts an answer: no total says "20 implemented" either.
    for figure in every_figure(synthesis):
        assert figure.counts is None or figure.counts.total == 0, figure
    # A group with States, none of its answers shown: withheld, not "0 States".
    groups = by_key(synthesis.groups)
    assert groups["african"].withheld == Withheld.SAME_STATUS
    assert groups["latin_american_caribbean"].withheld == Withheld.FEW_STATES
    assert groups["western_european_other"].states == 0


def test_twenty_of_twenty_published_and_implemented_is_shown_publicly():
    """Every answer behind a public figure is on its State's public page already: the
    figure tells nothing more, so the public figures are not held to dominance."""
    counted = groups_of(SIZES, lambda n: I, public=True)
    for audience in (PUBLIC, SECRETARIAT):
        synthesis = synthesize(counted, audience=audience, min_states=3)
        assert synthesis.overall.counts.implemented == 20 and synthesis.overall.states == 20


@pytest.mark.parametrize(
    ("min_states", "others", "withheld"),
    [
        # With 3: all but one is withheld (the one knows every other's answer), all but
        # two is shown (neither of the two knows which other State is the second).
        (3, 0, True),
        (3, 1, True),
        (3, 2, False),
        # With 4, any two States together are protected: all but two withheld too.
        (4, 2, True),
        (4, 3, False),
        # With 2, only outsiders are: all withheld, all but one shown.
        (2, 0, True),
        (2, 1, False),
    ],
)
def test_a_recommendation_nearly_all_unpublished_states_answer_alike_is_withheld(
    min_states, others, withheld
):
    counted = groups_of({"african": 20}, lambda n: N if n < others else I, public=False)
    synthesis = synthesize(counted, audience=SECRETARIAT, min_states=min_states)
    figure = by_key(synthesis.recommendations)["2013-MS-01"]
    assert (figure.withheld == Withheld.SAME_STATUS) is withheld
    assert (figure.counts is None) is withheld


def test_the_published_part_does_not_hide_that_the_unpublished_states_agree():
    """Ten published States answered every way; four unpublished all implemented. The
    whole does not agree, but the whole less the published answers (public) does."""
    counted = groups_of({"african": 10}, lambda n: TURNS[n % 4], public=True) + [
        state(f"U{n}", "asia_pacific", {"2013-MS-01": I}, public=False, number=100 + n)
        for n in range(4)
    ]
    synthesis = synthesize(counted, audience=SECRETARIAT, min_states=3)
    assert by_key(synthesis.recommendations)["2013-MS-01"].withheld == Withheld.SAME_STATUS


def _cell(*answers: dict) -> Cell:
    """A unit of the unpublished States whose answers are given, one dict each."""
    cell = Cell()
    for n, statuses in enumerate(answers):
        counted = state(f"U{n}", "african", statuses, public=False)
        for answer in counted.answers:
            cell.add(counted, answer.status)
    return cell


def test_in_a_unit_of_several_recommendations_states_are_counted_not_answers():
    both, neither = {"2013-MS-01": I, "2013-MS-02": I}, {"2013-MS-01": N, "2013-MS-02": N}
    # 6 answers implemented and 2 not, but one State outside: it knows that every
    # other State implemented both.
    assert _cell(both, both, both, neither).risk(3) == Withheld.SAME_STATUS
    # A State that gave two statuses agrees with neither: nothing follows for anyone.
    mixed = {"2013-MS-01": I, "2013-MS-02": N}
    assert _cell(both, both, mixed, mixed).risk(3) == ""


def _cells(specification: dict, *, public: bool) -> dict[str, Cell]:
    cells = {}
    for key, statuses in specification.items():
        cell = Cell()
        for n, status in enumerate(statuses):
            cell.add(state(f"{key}{n}", key, {}, public=public), status)
        cells[key] = cell
    return cells


def test_the_groups_withheld_together_must_not_agree_either():
    """One State and two, all implemented: each too small, together three States that
    all implemented. The smallest group shown is withheld with them."""
    specification = {"a": [I], "b": [I, I], "c": [I, I, P, N, _], "d": TURNS * 3}
    assert protect_partition(_cells(specification, public=False), 3) == {
        "a": Withheld.FEW_STATES,
        "b": Withheld.FEW_STATES,
        "c": Withheld.COMPLEMENTARY,
    }
    # Published, all three answers are public anyway: nothing more withheld.
    assert protect_partition(_cells(specification, public=True), 3) == {
        "a": Withheld.FEW_STATES,
        "b": Withheld.FEW_STATES,
    }


def test_a_group_whose_unpublished_states_agree_is_withheld_with_its_complement():
    specification = {"a": [I], "b": [I] * 4, "c": [I, I, P, N, _], "d": TURNS * 3}
    assert protect_partition(_cells(specification, public=False), 3) == {
        "a": Withheld.FEW_STATES,
        "b": Withheld.SAME_STATUS,
        "c": Withheld.COMPLEMENTARY,
    }


def test_the_secretariats_page_and_exports_say_why_a_figure_agreeing_is_withheld(
    client, secretariat, synthesis_cycle, author
):
    for n in range(5):
        submit(synthesis_cycle, iso3(n), "african", "private", [I] * len(CODES), author)
    client.force_login(secretariat)
    data = json.loads(
        client.get(reverse("opendata:synthesis_desk_json", args=[synthesis_cycle.code])).content
    )
    first = data["figures"]["recommendation"][0]
    assert (first["withheld"], first["states"], first["counts"]) == ("same_status", None, None)
    assert data["figures"]["overall"][0]["counts"] is None
    page = client.get(reverse("opendata:synthesis_desk"), {"cycle": synthesis_cycle.code})
    html = page.content.decode()
    assert "nearly all gave the same status" in html
    assert "all, or nearly all, of the States behind it that have not published" in html
    # Not "fewer than 3 States are counted": five are, and their figures withheld.
    assert "States are counted: no figure can be shown" not in html
