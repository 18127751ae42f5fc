"""No figure from fewer than SYNTHESIS_MIN_STATES States, and none that the figures
shown give away by difference: in the counts themselves, then in every format (the
page, CSV, JSON, the PDF), for both audiences."""

import datetime
import json

import pytest
from django.urls import reverse

from assessments.models import Submission
from opendata.models import SynthesisDocument
from opendata.synthesis.counts import (
    Answered,
    Cell,
    Counted,
    Theme,
    Withheld,
    counted_from_snapshot,
    protect_partition,
    synthesize,
)
from opendata.synthesis.documents import render_synthesis_pdf
from opendata.synthesis.selectors import cycle_synthesis

from .conftest import ANSWERS, make_state, snapshot_of
from .support import body, pdf_text, without_tokens

PUBLIC = SynthesisDocument.Audience.PUBLIC
SECRETARIAT = SynthesisDocument.Audience.SECRETARIAT


def state(iso3, group, statuses: dict, *, public=True, submission=None) -> Counted:
    return Counted(
        submission=submission or hash(iso3) % 10_000,
        state=iso3,
        group=group,
        public=public,
        answers=tuple(
            Answered(code=code, year=int(code[:4]), status=status)
            for code, status in statuses.items()
        ),
    )


def by_key(figures):
    return {figure.key: figure for figure in figures}


# The counts alone.


def test_a_recommendation_answered_by_too_few_states_is_withheld_and_left_out_of_every_total():
    everyone = {"2013-MS-01": "implemented", "2014-MS-01": "not_started"}
    # A report added to the cycle after most States submitted: two States answer 2014-MS-02.
    late = {**everyone, "2014-MS-02": "implemented"}
    counted = [
        state("AAA", "african", everyone),
        state("BBB", "african", everyone),
        state("CCC", "african", everyone),
        state("DDD", "african", late),
        state("EEE", "african", late),
    ]
    synthesis = synthesize(
        counted,
        audience=PUBLIC,
        min_states=3,
        themes=[Theme(key="late", label="Late", codes=frozenset({"2014-MS-02"}))],
    )
    recommendations = by_key(synthesis.recommendations)
    assert recommendations["2014-MS-02"].withheld == Withheld.FEW_STATES
    assert recommendations["2014-MS-02"].counts is None
    report = by_key(synthesis.reports)["2014"]
    # Counted over 2014-MS-01 only: with 2014-MS-02 in it, report less 2014-MS-01
    # would be the two States' answers.
    assert report.counts.implemented == 0 and report.counts.total == 5
    assert (report.recommendations, report.recommendations_total) == (1, 2) and report.partial
    assert synthesis.overall.counts.total == 10 and synthesis.overall.counts.implemented == 5
    assert by_key(synthesis.groups)["african"].counts.total == 10
    # A theme of withheld recommendations only: withheld, for the same reason.
    assert by_key(synthesis.themes)["late"].withheld == Withheld.FEW_STATES


def test_fewer_states_than_the_threshold_in_all_withholds_everything():
    counted = [
        state("AAA", "african", {"2013-MS-01": "implemented"}),
        state("BBB", "asia_pacific", {"2013-MS-01": "not_started"}),
    ]
    synthesis = synthesize(counted, audience=PUBLIC, min_states=3)
    for _kind, figures in synthesis.tables():
        for figure in figures:
            assert figure.counts is None or figure.states == 0, figure


@pytest.mark.parametrize(
    ("sizes", "withheld"),
    [
        # One part of one State: the next smallest joins it.
        ({"a": 1, "b": 4, "c": 5}, {"a": Withheld.FEW_STATES, "b": Withheld.COMPLEMENTARY}),
        # Two small parts that together hold enough States: nothing more.
        ({"a": 1, "b": 2, "c": 5}, {"a": Withheld.FEW_STATES, "b": Withheld.FEW_STATES}),
        # Nothing small: nothing withheld.
        ({"a": 3, "b": 4}, {}),
        # An empty part singles out nobody and protects nobody.
        ({"a": 1, "b": 0, "c": 3}, {"a": Withheld.FEW_STATES, "c": Withheld.COMPLEMENTARY}),
    ],
)
def test_the_parts_withheld_together_never_single_out_a_state(sizes, withheld):
    cells = {}
    for key, size in sizes.items():
        cell = Cell()
        for n in range(size):
            cell.add(state(f"{key}{n}", key, {}), "implemented")
        cells[key] = cell
    assert protect_partition(cells, 3) == withheld


def test_a_format_1_snapshot_is_counted_with_its_group_read_from_the_english_label():
    snapshot = {
        "format": 1,
        "member_state": {"iso3": "NOR", "regional_group": "Western European and other States"},
        "reports": [{"year": 2013, "responses": [{"code": "2013-MS-01", "status": "implemented"}]}],
    }
    counted = counted_from_snapshot(7, snapshot, public=True, group="african")
    assert counted.group == "western_european_other"
    assert counted.answers == (Answered("2013-MS-01", 2013, "implemented"),)


def test_an_unknown_status_in_a_snapshot_is_refused_not_counted():
    snapshot = {
        "format": 2,
        "member_state": {"iso3": "NOR", "regional_group": "african"},
        "reports": [{"year": 2013, "answers": [{"code": "2013-MS-01", "status": "done"}]}],
    }
    with pytest.raises(ValueError, match="done"):
        counted_from_snapshot(7, snapshot, public=True)


# Every format: swapping the answers of two States whose figures are withheld changes
# nothing anywhere. The recommendations, reports, theme and whole stay the same; only
# the withheld groups would differ.

FIXED_NOW = datetime.datetime(2026, 12, 7, 12, 0, tzinfo=datetime.UTC)


def swap(submissions, one: str, other: str) -> None:
    """Give `one` the answers of `other` and the other way round, in their snapshots."""
    first, second = submissions[one], submissions[other]
    for submission, iso3 in ((first, other), (second, one)):
        group, _how, statuses = ANSWERS[iso3]
        subject = make_state(submission.snapshot["member_state"]["iso3"], group)
        Submission.objects.filter(pk=submission.pk).update(
            snapshot=snapshot_of(subject, submission.assessment.cycle, statuses)
        )


def everything(client, cycle, audience) -> dict:
    """What each format shows of the audience's figures."""
    if audience == PUBLIC:
        page = client.get(reverse("opendata:synthesis"), {"cycle": cycle.code})
        csv = client.get(reverse("opendata:synthesis_csv", args=[cycle.code]))
        data = client.get(reverse("opendata:synthesis_json", args=[cycle.code]))
    else:
        page = client.get(reverse("opendata:synthesis_desk"), {"cycle": cycle.code})
        csv = client.get(reverse("opendata:synthesis_desk_csv", args=[cycle.code]))
        data = client.get(reverse("opendata:synthesis_desk_json", args=[cycle.code]))
    assert page.status_code == csv.status_code == data.status_code == 200
    return {
        "page": without_tokens(page.content.decode()),
        "csv": body(csv).decode("utf-8-sig"),
        "json": json.loads(body(data)),
        "pdf": pdf_text(
            render_synthesis_pdf(cycle, cycle_synthesis(cycle, audience), language="en")
        ),
    }


@pytest.fixture
def fixed_time(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: FIXED_NOW)


@pytest.mark.parametrize(
    ("audience", "one", "other", "withheld"),
    [
        # Japan alone in its group; the African group withheld as its complement.
        (PUBLIC, "KEN", "JPN", ["asia_pacific", "african"]),
        # South Africa the only African State not published; Mexico's group withheld
        # as the complement (the secretariat's figures go into a public report).
        (SECRETARIAT, "ZAF", "MEX", ["african", "latin_american_caribbean"]),
    ],
)
def test_no_withheld_figure_shows_in_any_format(
    client, secretariat, synthesis_cycle, submissions, fixed_time, audience, one, other, withheld
):
    if audience == SECRETARIAT:
        client.force_login(secretariat)
    before = everything(client, synthesis_cycle, audience)
    groups = {item["key"]: item for item in before["json"]["figures"]["group"]}
    for key in withheld:
        assert groups[key]["counts"] is None and groups[key]["total"] is None
        assert groups[key]["withheld"]
    swap(submissions, one, other)
    after = everything(client, synthesis_cycle, audience)
    before["json"].pop("generated_at"), after["json"].pop("generated_at")
    assert after["json"] == before["json"]
    assert after["csv"] == before["csv"]
    assert after["page"] == before["page"]
    assert after["pdf"] == before["pdf"]


@pytest.mark.parametrize(
    ("audience", "one", "other", "groups"),
    [
        (PUBLIC, "KEN", "JPN", ["asia_pacific", "african"]),
        (SECRETARIAT, "ZAF", "MEX", ["african", "latin_american_caribbean"]),
    ],
)
def test_the_swaps_would_show_in_the_groups_were_they_not_withheld(
    synthesis_cycle, submissions, settings, audience, one, other, groups
):
    """The test above can fail: with no threshold to speak of, the groups are shown and
    differ after the swap, while everything else stays as it was."""
    settings.SYNTHESIS_MIN_STATES = 1
    before = cycle_synthesis(synthesis_cycle, audience)
    swap(submissions, one, other)
    after = cycle_synthesis(synthesis_cycle, audience)
    for key in groups:
        assert by_key(before.groups)[key].counts != by_key(after.groups)[key].counts
    assert before.recommendations == after.recommendations
    assert before.overall == after.overall


def test_the_csv_gives_a_note_and_no_counts_for_a_withheld_figure(
    client, synthesis_cycle, submissions
):
    response = client.get(reverse("opendata:synthesis_csv", args=[synthesis_cycle.code]))
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = [line.split(",") for line in text.removeprefix("\ufeff").splitlines()]
    header = rows[0]
    asia = dict(zip(header, next(row for row in rows if row[1] == "asia_pacific"), strict=True))
    assert asia["states"] == "" and asia["implemented"] == "" and asia["total"] == ""
    assert asia["withheld"] == "few_states" and asia["note"] == "fewer than 3 States"
    weog = dict(
        zip(header, next(row for row in rows if row[1] == "western_european_other"), strict=True)
    )
    assert (weog["states"], weog["implemented"], weog["total"]) == ("3", "7", "15")


def test_the_page_and_pdf_say_fewer_than_the_threshold(client, synthesis_cycle, submissions):
    page = client.get(reverse("opendata:synthesis"))
    assert "fewer than 3 States" in page.content.decode()
    text = pdf_text(
        render_synthesis_pdf(
            synthesis_cycle, cycle_synthesis(synthesis_cycle, PUBLIC), language="en"
        )
    )
    assert "fewer than 3 States" in text


def test_a_higher_threshold_from_the_settings_applies_everywhere(
    client, synthesis_cycle, submissions, settings
):
    settings.SYNTHESIS_MIN_STATES = 8  # more than the 7 published
    data = json.loads(
        body(client.get(reverse("opendata:synthesis_json", args=[synthesis_cycle.code])))
    )
    assert data["min_states"] == 8
    for figures in data["figures"].values():
        for figure in figures:
            assert figure["counts"] is None or figure["states"] == 0, figure
    assert "fewer than 8 States" in client.get(reverse("opendata:synthesis")).content.decode()
