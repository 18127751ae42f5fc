"""Themes: the curated fixture, its loading, the admin and the public pages."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError
from django.urls import reverse

from catalogue.models import Recommendation, Theme, ThemeLink
from catalogue.themes import ThemeFixtureError, themes_load_missing

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def fixture_rows(name):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


THEMES = [row["fields"] for row in fixture_rows("themes.json") if row["model"] == "catalogue.theme"]
LINKS = [
    row["fields"] for row in fixture_rows("themes.json") if row["model"] == "catalogue.themelink"
]
MEMBER_STATE_CODES = {
    row["fields"]["code"]
    for row in fixture_rows("catalogue.json")
    if row["model"] == "catalogue.recommendation" and row["fields"]["section"][1] == "MS"
}


# The fixture


def test_every_link_points_at_a_member_state_recommendation_of_the_catalogue():
    assert len(MEMBER_STATE_CODES) == 153
    assert {link["recommendation"][0] for link in LINKS} <= MEMBER_STATE_CODES


def test_every_link_has_a_one_line_reason():
    for link in LINKS:
        reason = link["reason"]
        assert reason.strip() == reason and reason, link
        assert "\n" not in reason and len(reason) <= 300, link


def test_every_link_names_a_theme_of_the_fixture_once():
    slugs = [theme["slug"] for theme in THEMES]
    assert len(slugs) == len(set(slugs))
    assert {link["theme"][0] for link in LINKS} == set(slugs)  # no theme is empty
    pairs = [(link["theme"][0], link["recommendation"][0]) for link in LINKS]
    assert len(pairs) == len(set(pairs))


def test_the_curated_set_covers_the_member_state_recommendations():
    linked = {link["recommendation"][0] for link in LINKS}
    per_recommendation = [
        sum(link["recommendation"][0] == code for link in LINKS) for code in MEMBER_STATE_CODES
    ]
    assert (len(THEMES), len(LINKS)) == (21, 235)
    assert linked == MEMBER_STATE_CODES  # each in at least one theme
    assert max(per_recommendation) == 6  # 2014-MS-05 lists six national inhibitors


# Loading


@pytest.fixture
def loaded(real_catalogue):
    return themes_load_missing()


def test_the_loader_creates_the_themes_with_their_links(loaded):
    assert len(loaded.created) == 21 and loaded.kept == []
    assert ThemeLink.objects.count() == 235
    focal = Theme.objects.get(slug="focal-points")
    assert list(focal.recommendations.values_list("code", flat=True)) == [
        "2011-MS-06",
        "2013-MS-04",
        "2014-MS-07",
        "2015-MS-05",
        "2016-MS-04",
        "2017-MS-03",
        "2018-MS-01",
        "2021-MS-03",
        "2023-MS-02",
    ]


def test_reloading_keeps_the_secretariats_edits_and_adds_only_missing_themes(loaded):
    focal = Theme.objects.get(slug="focal-points")
    focal.name = "Focal points (edited)"
    focal.save()
    focal.links.filter(recommendation__code="2011-MS-06").delete()
    Theme.objects.get(slug="arms-control").delete()

    again = themes_load_missing()

    assert again.created == ["arms-control"]
    assert len(again.kept) == 20
    focal.refresh_from_db()
    assert focal.name == "Focal points (edited)"
    assert focal.links.count() == 8
    assert Theme.objects.get(slug="arms-control").links.count() == 6


def test_a_link_to_a_recommendation_not_addressed_to_states_is_refused_entirely(
    real_catalogue, tmp_path
):
    bad = fixture_rows("themes.json")
    next(row for row in bad if row["model"] == "catalogue.themelink")["fields"][
        "recommendation"
    ] = ["2013-UN-01"]
    path = tmp_path / "themes.json"
    path.write_text(json.dumps(bad))

    with pytest.raises(ThemeFixtureError, match="2013-UN-01"):
        themes_load_missing(path=path)

    assert not Theme.objects.exists()


def test_load_reference_data_loads_the_themes_once(db, capsys):
    call_command("load_reference_data", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    output = capsys.readouterr().out
    assert "themes: 21 added" in output
    assert "themes: 0 added, 21 already there" in output
    assert ThemeLink.objects.count() == 235


def test_a_link_needs_a_member_state_recommendation_and_a_reason(make_report):
    make_report(2013)
    theme = Theme.objects.create(name="T", slug="t")
    link = ThemeLink(theme=theme, recommendation=Recommendation.objects.get(code="2013-UN-01"))
    link.reason = "A reason."
    with pytest.raises(ValidationError, match="Member States only"):
        link.full_clean()
    with pytest.raises(IntegrityError):
        ThemeLink.objects.create(
            theme=theme, recommendation=Recommendation.objects.get(code="2013-MS-01"), reason=""
        )


# The admin


def test_the_secretariat_edits_a_theme_with_its_links_and_reasons(client, secretariat, loaded):
    client.force_login(secretariat)
    theme = Theme.objects.get(slug="focal-points")
    url = reverse("admin:catalogue_theme_change", args=[theme.pk])

    page = client.get(url).content.decode()

    assert "Asks the State to appoint a national R2P focal point." in page
    assert client.get(reverse("admin:catalogue_theme_changelist")).status_code == 200


# Public pages


def test_a_theme_page_lists_its_recommendations_in_order_with_their_reasons(client, loaded):
    response = client.get(reverse("catalogue:theme_detail", args=["focal-points"]))

    html = response.content.decode()
    codes = [link.recommendation.code for link in response.context["links"]]
    assert codes == sorted(codes)
    assert "Names the Global Network of R2P Focal Points." in html
    assert client.get(reverse("catalogue:theme_detail", args=["nothing"])).status_code == 404


def test_a_recommendation_page_shows_its_themes_and_siblings(client, loaded):
    response = client.get(reverse("catalogue:recommendation_detail", args=["2017-MS-03"]))

    [(theme, siblings)] = response.context["themes"]
    assert theme.slug == "focal-points"
    assert "2018-MS-01" in [item.code for item in siblings]
    assert "2017-MS-03" not in [item.code for item in siblings]
    assert reverse("catalogue:recommendation_detail", args=["2018-MS-01"]) in (
        response.content.decode()
    )


def test_a_recommendation_in_no_theme_says_so(client, make_report):
    make_report(2013)
    response = client.get(reverse("catalogue:recommendation_detail", args=["2013-UN-01"]))
    assert "This recommendation belongs to no theme." in response.content.decode()


def test_the_report_page_and_the_theme_list_link_to_themes(client, loaded):
    report = client.get(reverse("catalogue:report_detail", args=[2017])).content.decode()
    themes = client.get(reverse("catalogue:theme_list")).content.decode()
    assert reverse("catalogue:theme_detail", args=["focal-points"]) in report
    assert "Early warning and risk assessment" in themes


def test_theme_pages_run_a_constant_number_of_queries(client, loaded, django_assert_num_queries):
    with django_assert_num_queries(2):
        client.get(reverse("catalogue:theme_list"))
    with django_assert_num_queries(2):
        client.get(reverse("catalogue:theme_detail", args=["early-warning-risk-assessment"]))
    with django_assert_num_queries(3):
        client.get(reverse("catalogue:recommendation_detail", args=["2013-MS-04"]))
