"""The public catalogue pages: reports, one report, recommendations with filters and search."""

import re

import pytest
from django.template.defaultfilters import truncatechars
from django.urls import reverse

from catalogue.models import Recommendation
from catalogue.templatetags.catalogue_tags import highlight

pytestmark = pytest.mark.django_db


def test_report_list_shows_year_title_symbol_link_and_counts_per_target(client, make_report):
    make_report(2011, per_target=3, codes=("MS", "CS"), title="Regional arrangements")
    report = make_report(2012, per_target=1, codes=("UN",))

    response = client.get(reverse("catalogue:report_list"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Regional arrangements" in html
    assert f'href="https://undocs.org/{report.first_symbol}"' in html
    assert report.symbol in html
    rows = response.context["rows"]
    assert [row["total"] for row in rows] == [6, 1]
    targets = [target.code for target in response.context["targets"]]
    assert dict(zip(targets, rows[0]["counts"], strict=True))["CS"] == 3
    assert response.context["grand_total"] == 7


def test_document_link_uses_the_general_assembly_symbol_of_a_joint_document(make_report):
    report = make_report(2011)
    report.symbol = "A/65/877-S/2011/393"
    assert report.document_url == "https://undocs.org/A/65/877"


def test_report_page_groups_recommendations_by_target_with_paragraphs(client, make_report):
    make_report(2013, per_target=2, codes=("MS", "CS"))

    response = client.get(reverse("catalogue:report_detail", args=[2013]))

    html = response.content.decode()
    assert html.index("Member States") < html.index("2013-MS-02") < html.index("Civil Society")
    assert 'Relevant paragraphs: <span dir="ltr">13–16</span>' in html
    assert 'id="2013-CS-01"' in html


def test_unknown_report_year_answers_404(client, make_report):
    make_report(2013)
    assert client.get(reverse("catalogue:report_detail", args=[1999])).status_code == 404


def test_recommendations_filter_by_report_and_target(client, make_report):
    make_report(2013, codes=("MS", "UN"))
    make_report(2014, codes=("MS", "UN"))

    response = client.get(reverse("catalogue:recommendation_list"), {"year": 2014, "target": "UN"})

    codes = [rec.code for rec in response.context["page"].object_list]
    assert codes == ["2014-UN-01", "2014-UN-02"]


def test_recommendation_search_matches_every_word_in_any_order(client, make_report):
    report = make_report(2015, per_target=1, codes=("MS",))
    Recommendation.objects.filter(section__report=report).update(
        text="Counter hate speech and incitement."
    )
    make_report(2016, per_target=1, codes=("MS",))

    found = client.get(reverse("catalogue:recommendation_list"), {"q": "incitement HATE"})
    missed = client.get(reverse("catalogue:recommendation_list"), {"q": "hate mediation"})

    assert [r.code for r in found.context["page"].object_list] == ["2015-MS-01"]
    assert "<mark>hate</mark>" in found.content.decode()
    assert list(missed.context["page"].object_list) == []


def test_recommendation_search_finds_a_code(client, make_report):
    make_report(2015, per_target=2, codes=("MS",))
    response = client.get(reverse("catalogue:recommendation_list"), {"q": "2015-ms-02"})
    assert [r.code for r in response.context["page"].object_list] == ["2015-MS-02"]


def test_search_terms_are_escaped_in_the_page(client, make_report):
    make_report(2015)
    response = client.get(
        reverse("catalogue:recommendation_list"), {"q": "<script>alert(1)</script>"}
    )
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_highlighting_never_breaks_escaping(client, make_report):
    report = make_report(2015, per_target=1, codes=("MS",))
    Recommendation.objects.filter(section__report=report).update(text="Women & <girls> first.")
    response = client.get(reverse("catalogue:recommendation_list"), {"q": "amp girls"})
    # "amp" is not in the text: it must not match inside the &amp; entity.
    assert list(response.context["page"].object_list) == []
    response = client.get(reverse("catalogue:recommendation_list"), {"q": "girls"})
    assert "Women &amp; &lt;<mark>girls</mark>&gt; first." in response.content.decode()


@pytest.mark.parametrize(
    ("text", "terms", "shown"),
    [
        # Accents, case and apostrophes aside, as the search reads them; the text as written.
        ("Adopt a national stratégie.", ["strategie"], "Adopt a national <mark>stratégie</mark>."),
        (
            "Women’s groups, WOMENS.",
            ["womens"],
            "<mark>Women’s</mark> groups, <mark>WOMENS</mark>.",
        ),
        ("Укрепить военной юстиции", ["военнои"], "Укрепить <mark>военной</mark> юстиции"),
        # An Arabic vowel sign stays with the letter it sits on.
        ("تعزيزُ القضاء", ["تعزيز"], "<mark>تعزيزُ</mark> القضاء"),
        ("a & b", ["amp", ""], "a &amp; b"),
    ],
)
def test_search_terms_are_marked_as_the_search_found_them(text, terms, shown):
    assert highlight(text, terms) == shown


@pytest.mark.parametrize(
    "query",
    [{"year": "abc"}, {"year": "1999"}, {"target": "XX"}, {"q": "x" * 201}],
)
def test_invalid_filters_show_an_error_and_no_results(client, make_report, query):
    make_report(2015)
    response = client.get(reverse("catalogue:recommendation_list"), query)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["page"].paginator.count == 0
    assert "is-invalid" in response.content.decode()


def test_recommendations_are_paginated_with_filters_kept_in_links(client, make_report):
    make_report(2017, per_target=30, codes=("MS", "UN"))

    response = client.get(reverse("catalogue:recommendation_list"), {"year": 2017, "page": 2})

    assert response.context["page"].number == 2
    assert len(response.context["page"].object_list) == 10
    assert 'href="?year=2017&amp;page=1"' in response.content.decode()


def test_an_out_of_range_page_shows_the_last_page(client, make_report):
    make_report(2017, per_target=2)
    response = client.get(reverse("catalogue:recommendation_list"), {"page": 99})
    assert response.status_code == 200
    assert response.context["page"].number == 1


@pytest.mark.parametrize("n_reports", [1, 8])
def test_catalogue_pages_run_a_constant_number_of_queries(
    client, make_report, django_assert_num_queries, n_reports
):
    for year in range(2009, 2009 + n_reports):
        make_report(year, per_target=12, codes=("MS", "RSO", "UN", "CS"))

    with django_assert_num_queries(3):
        client.get(reverse("catalogue:report_list"))
    with django_assert_num_queries(4):
        client.get(reverse("catalogue:report_detail", args=[2009]))
    with django_assert_num_queries(4):
        client.get(reverse("catalogue:recommendation_list"))
    # One query more for the search: SQLite reads the texts to index them in memory,
    # PostgreSQL reads the ids its full-text search finds.
    with django_assert_num_queries(5):
        client.get(reverse("catalogue:recommendation_list"), {"q": "recommendation", "year": 2009})


def test_each_listed_recommendation_links_to_its_place_in_its_report_and_names_its_addressee(
    client, make_report
):
    make_report(2013, per_target=1, codes=("MS", "UN"))
    make_report(2014, per_target=2, codes=("CS",))

    html = client.get(reverse("catalogue:recommendation_list")).content.decode()

    rows = re.findall(r"<tr>(.*?)</tr>", html, re.DOTALL)[1:]  # after the header row
    listed = Recommendation.objects.with_catalogue()
    assert len(rows) == len(listed) == 4
    for row, recommendation in zip(rows, listed, strict=True):
        report = recommendation.section.report
        assert f'<a href="{recommendation.get_absolute_url()}">{recommendation.code}</a>' in row
        assert f"<td>{recommendation.section.target.label}</td>" in row
        assert f'<a href="{report.get_absolute_url()}">{report.year}</a>' in row


def test_the_filters_show_the_chosen_report_and_addressee_and_cut_long_titles(client, make_report):
    long_title = "Implementing the responsibility to protect: accountability for prevention"
    make_report(2013, title=long_title)
    make_report(2014, title="Early warning")
    url = reverse("catalogue:recommendation_list")

    chosen = client.get(url, {"year": 2014, "target": "UN"}).content.decode()
    unfiltered = client.get(url).content.decode()

    cut = truncatechars(f"2013 – {long_title}", 70)
    assert cut.endswith("…")
    assert f'<option value="2013">{cut}</option>' in chosen
    assert '<option value="2014" selected>2014 – Early warning</option>' in chosen
    assert '<option value="UN" selected>United Nations</option>' in chosen
    assert '<option value="MS">Member States</option>' in chosen
    assert '<option value="">All reports</option>' in chosen
    filters = unfiltered.split('role="search"', 1)[1].split("</form>", 1)[0]
    assert "<option" in filters
    assert " selected>" not in filters
