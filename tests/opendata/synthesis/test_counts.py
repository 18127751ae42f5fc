"""The figures against the example worked out by hand (conftest.ANSWERS): per
recommendation, report, theme, regional group and in all, for both audiences, from the
snapshots the States submitted."""

import pytest
from django.utils import translation

from assessments.counts import StatusCounts
from opendata.models import SynthesisDocument
from opendata.synthesis.counts import Withheld
from opendata.synthesis.selectors import counted_ids, cycle_synthesis

from .conftest import ACCEPTED, PUBLISHED

PUBLIC = SynthesisDocument.Audience.PUBLIC
SECRETARIAT = SynthesisDocument.Audience.SECRETARIAT

pytestmark = pytest.mark.django_db


def counts(implemented, partially, not_started, not_answered) -> tuple:
    return (implemented, partially, not_started, not_answered)


def of(figure) -> tuple:
    c: StatusCounts = figure.counts
    return (c.implemented, c.partially_implemented, c.not_started, c.not_answered)


def by_key(figures) -> dict:
    return {figure.key: figure for figure in figures}


def test_the_public_counts_only_the_published_submissions(synthesis_cycle, submissions):
    expected = sorted(submissions[iso3].pk for iso3 in PUBLISHED)
    assert list(counted_ids(synthesis_cycle, PUBLIC)) == expected
    assert list(cycle_synthesis(synthesis_cycle, PUBLIC).submissions) == expected


def test_the_secretariat_counts_every_accepted_submission(synthesis_cycle, submissions):
    expected = sorted(submissions[iso3].pk for iso3 in ACCEPTED)
    assert list(counted_ids(synthesis_cycle, SECRETARIAT)) == expected
    # Under review (ARG) or never submitted (POL): not counted by anyone.
    assert submissions["ARG"].pk not in expected and submissions["POL"] is None


def test_public_figures_per_recommendation_are_states_by_status(synthesis_cycle, submissions):
    figures = by_key(cycle_synthesis(synthesis_cycle, PUBLIC).recommendations)
    assert list(figures) == ["2013-MS-01", "2013-MS-02", "2013-MS-03", "2014-MS-01", "2014-MS-02"]
    assert of(figures["2013-MS-01"]) == counts(4, 2, 1, 0)
    assert of(figures["2013-MS-02"]) == counts(2, 3, 2, 0)
    assert of(figures["2013-MS-03"]) == counts(2, 3, 1, 1)
    assert of(figures["2014-MS-01"]) == counts(2, 2, 2, 1)
    assert of(figures["2014-MS-02"]) == counts(3, 2, 1, 1)
    assert {figure.states for figure in figures.values()} == {7}


def test_public_figures_per_report_theme_and_in_all_are_answers(synthesis_cycle, submissions):
    synthesis = cycle_synthesis(synthesis_cycle, PUBLIC)
    reports = by_key(synthesis.reports)
    assert of(reports["2013"]) == counts(8, 8, 4, 1) and reports["2013"].states == 7
    assert of(reports["2014"]) == counts(5, 4, 3, 2) and reports["2014"].states == 7
    assert reports["2013"].title == "The report of 2013"
    assert of(by_key(synthesis.themes)["prevention"]) == counts(6, 4, 3, 1)
    assert of(synthesis.overall) == counts(13, 12, 7, 3)
    assert synthesis.overall.states == 7 and synthesis.overall.counts.total == 35


def test_public_regional_groups_withhold_the_small_one_and_its_complement(
    synthesis_cycle, submissions
):
    groups = by_key(cycle_synthesis(synthesis_cycle, PUBLIC).groups)
    assert of(groups["western_european_other"]) == counts(7, 3, 4, 1)
    assert groups["western_european_other"].states == 3
    # Japan alone: fewer than 3 States, its number of States not given either.
    assert groups["asia_pacific"].withheld == Withheld.FEW_STATES
    assert groups["asia_pacific"].counts is None and groups["asia_pacific"].states is None
    assert groups["asia_pacific"].note == "fewer than 3 States"
    # Shown, the African group would give Japan's answers away (the whole less the
    # groups shown): withheld with it, the smallest group shown (ties by code).
    assert groups["african"].withheld == Withheld.COMPLEMENTARY
    # Its number of States withheld too: the whole's less the groups shown would give
    # Japan's group's.
    assert groups["african"].counts is None and groups["african"].states is None
    # No State counted: nothing to hide, zeros.
    assert groups["eastern_european"].states == 0 and of(groups["eastern_european"]) == (0,) * 4
    assert groups["latin_american_caribbean"].states == 0


def test_secretariat_figures_add_the_accepted_states_that_did_not_publish(
    synthesis_cycle, submissions
):
    synthesis = cycle_synthesis(synthesis_cycle, SECRETARIAT)
    recommendations = by_key(synthesis.recommendations)
    # ZAF all implemented, MEX not started, BRA partially, CHL nothing answered.
    assert of(recommendations["2013-MS-01"]) == counts(5, 3, 2, 1)
    assert recommendations["2013-MS-01"].states == 11
    assert of(synthesis.overall) == counts(18, 17, 12, 8) and synthesis.overall.states == 11
    assert of(by_key(synthesis.reports)["2014"]) == counts(5 + 2, 4 + 2, 3 + 2, 2 + 2)


def test_secretariat_groups_withhold_what_the_public_figures_would_single_out(
    synthesis_cycle, submissions
):
    groups = by_key(cycle_synthesis(synthesis_cycle, SECRETARIAT).groups)
    # Four African States, but only South Africa has not published: the secretariat's
    # figure less the published answers (public) would be South Africa's.
    assert groups["african"].withheld == Withheld.FEW_UNPUBLISHED
    assert groups["african"].states is None and groups["african"].counts is None
    assert groups["asia_pacific"].withheld == Withheld.FEW_STATES
    # Together the two would still hold one unpublished State: the smallest group shown
    # (Latin America, 3 unpublished States) is withheld with them.
    assert groups["latin_american_caribbean"].withheld == Withheld.COMPLEMENTARY
    assert of(groups["western_european_other"]) == counts(7, 3, 4, 1)


def test_labels_follow_the_language(synthesis_cycle, submissions):
    with translation.override("fr"):
        synthesis = cycle_synthesis(synthesis_cycle, PUBLIC)
    groups = by_key(synthesis.groups)
    assert groups["african"].label == "Groupe des États d’Afrique"
