"""Who sees what: anyone the public synthesis, only the secretariat its own; bad input
answers 404 or 400 and changes nothing; the pages' queries do not grow with the States."""

import pytest
from django.urls import reverse

from opendata.models import SynthesisDocument
from tests.clients import SignedInClient as Client

from .conftest import ANSWERS, submit

pytestmark = pytest.mark.django_db

DESK_PAGES = [
    ("opendata:synthesis_desk", []),
    ("opendata:synthesis_desk_csv", ["2025"]),
    ("opendata:synthesis_desk_json", ["2025"]),
]
PUBLIC_PAGES = [
    ("opendata:synthesis", []),
    ("opendata:synthesis_csv", ["2025"]),
    ("opendata:synthesis_json", ["2025"]),
]


@pytest.mark.parametrize(("name", "args"), PUBLIC_PAGES)
def test_anyone_sees_the_public_synthesis(client, submissions, name, args):
    assert client.get(reverse(name, args=args)).status_code == 200


@pytest.mark.parametrize(("name", "args"), DESK_PAGES)
def test_an_anonymous_visitor_is_sent_to_sign_in_for_the_secretariats(
    client, submissions, name, args
):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(("name", "args"), DESK_PAGES)
def test_a_delegation_and_other_staff_may_not_see_the_secretariats(
    client, submissions, focal_point_norway, staff_without_review, name, args
):
    for user in (focal_point_norway, staff_without_review):
        client.force_login(user)
        assert client.get(reverse(name, args=args)).status_code == 403


@pytest.mark.parametrize(("name", "args"), DESK_PAGES)
def test_the_secretariat_sees_its_synthesis(client, submissions, secretariat, name, args):
    client.force_login(secretariat)
    assert client.get(reverse(name, args=args)).status_code == 200


def test_the_admin_index_links_to_the_secretariats_synthesis(client, secretariat):
    client.force_login(secretariat)
    page = client.get(reverse("admin:index")).content.decode()
    assert reverse("opendata:synthesis_desk") in page


def test_the_public_page_counts_published_states_only(client, submissions):
    page = client.get(reverse("opendata:synthesis")).content.decode()
    assert "The answers of 7 States that published their accepted self-assessment." in page
    # No State is named, nor anything it wrote.
    for iso3 in ANSWERS:
        assert f"State {iso3}" not in page and f"EVIDENCE-{iso3}" not in page


def test_the_secretariats_page_counts_every_accepted_state_and_says_why_it_withholds(
    client, submissions, secretariat
):
    client.force_login(secretariat)
    page = client.get(reverse("opendata:synthesis_desk")).content.decode()
    assert "The answers of 11 States whose self-assessment the secretariat accepted." in page
    assert "prepared for the Secretary-General's public report" in page


@pytest.mark.parametrize(
    "url",
    [
        reverse("opendata:synthesis") + "?cycle=1999",
        reverse("opendata:synthesis_csv", args=["1999"]),
        reverse("opendata:synthesis_json", args=["1999"]),
        reverse("opendata:synthesis_pdf", args=["1999", "fr"]),
        reverse("opendata:synthesis_pdf", args=["2025", "xx"]),
        reverse("opendata:synthesis_pdf", args=["2025", "fr"]),  # none rendered yet
    ],
)
def test_an_unknown_cycle_or_language_is_not_found(client, submissions, url):
    assert client.get(url).status_code == 404


def test_the_secretariats_unknown_cycle_is_not_found(client, submissions, secretariat):
    client.force_login(secretariat)
    assert client.get(reverse("opendata:synthesis_desk") + "?cycle=1999").status_code == 404
    assert client.get(reverse("opendata:synthesis_desk_csv", args=["1999"])).status_code == 404


def test_without_a_cycle_the_public_page_says_so(client, db):
    page = client.get(reverse("opendata:synthesis"))
    assert page.status_code == 200 and "No reporting cycle yet." in page.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"cycle": "2025", "language": "xx", "audience": "public"},
        {"cycle": "2025", "language": "fr", "audience": "everyone"},
        {"cycle": "1999", "language": "fr", "audience": "public"},
        {},
    ],
)
def test_a_bad_request_for_a_report_is_refused_and_records_nothing(
    client, submissions, secretariat, data
):
    client.force_login(secretariat)
    response = client.post(reverse("opendata:synthesis_desk_request"), data)
    assert response.status_code == 400
    assert "errornote" in response.content.decode()
    assert not SynthesisDocument.objects.exists()


def test_a_request_for_a_report_needs_the_csrf_token(submissions, secretariat):
    client = Client(enforce_csrf_checks=True)
    client.force_login(secretariat)
    response = client.post(
        reverse("opendata:synthesis_desk_request"),
        {"cycle": "2025", "language": "fr", "audience": "public"},
    )
    assert response.status_code == 403
    assert not SynthesisDocument.objects.exists()


def test_only_the_secretariat_may_request_a_report(
    client, submissions, focal_point_norway, staff_without_review
):
    data = {"cycle": "2025", "language": "fr", "audience": "public"}
    assert client.post(reverse("opendata:synthesis_desk_request"), data).status_code == 302
    for user in (focal_point_norway, staff_without_review):
        client.force_login(user)
        assert client.post(reverse("opendata:synthesis_desk_request"), data).status_code == 403
    assert not SynthesisDocument.objects.exists()


def _more_states(cycle, user, count: int) -> None:
    statuses = ["implemented", "not_started", "", "partially_implemented", "implemented"]
    for n in range(count):
        iso3 = "Q" + chr(ord("A") + n // 26) + chr(ord("A") + n % 26)
        submit(cycle, iso3, "eastern_european", "published", statuses, user)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_pages_queries_do_not_grow_with_the_states(
    client,
    submissions,
    secretariat,
    synthesis_cycle,
    author,
    language,
    django_assert_max_num_queries,
):
    client.cookies["django_language"] = language
    with django_assert_max_num_queries(10) as public:
        assert client.get(reverse("opendata:synthesis")).status_code == 200
    secretariat_client = Client()
    secretariat_client.force_login(secretariat)
    secretariat_client.cookies["django_language"] = language
    with django_assert_max_num_queries(20) as desk:
        assert secretariat_client.get(reverse("opendata:synthesis_desk")).status_code == 200
    first = (len(public), len(desk))
    _more_states(synthesis_cycle, author, 30)
    with django_assert_max_num_queries(first[0]):
        assert client.get(reverse("opendata:synthesis")).status_code == 200
    with django_assert_max_num_queries(first[1]):
        assert secretariat_client.get(reverse("opendata:synthesis_desk")).status_code == 200
