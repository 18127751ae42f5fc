"""What the public pages of published assessments let a browser or a shared cache keep:
nothing it may use without asking the site again (opendata/public/caching.py), so that
a withdrawal shows at once. The downloads' addresses do not change with their content
(a later version is published at the same address): they are not stored at all."""

import pytest
from django.urls import reverse

from assessments.services.publication import submission_withdraw

pytestmark = pytest.mark.django_db


def pages():
    return [
        reverse("opendata:published_list"),
        reverse("opendata:published_state", args=["2025", "NOR"]),
    ]


def test_an_anonymous_visitors_pages_are_revalidated_on_every_use(client, published):
    for url in pages():
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "no-cache", url


def test_the_official_pdf_and_a_published_file_are_not_stored(client, published):
    _submission, (_unticked, ticked) = published
    for url in (
        reverse("opendata:published_pdf", args=["2025", "NOR"]),
        reverse("opendata:published_file", args=["2025", "NOR", ticked.pk]),
    ):
        response = client.get(url)
        # Read whole: the file it streams is closed with it.
        assert b"".join(response.streaming_content), url
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private, no-store", url


def test_the_page_of_a_withdrawn_publication_is_revalidated_too(
    client, published, focal_point_norway
):
    """A cache that kept the 410 would hide the State's page once it publishes again."""
    submission, _files = published
    submission_withdraw(submission=submission, user=focal_point_norway)
    gone = client.get(reverse("opendata:published_state", args=["2025", "NOR"]))
    assert gone.status_code == 410
    assert gone["Cache-Control"] == "no-cache"


def test_a_signed_in_users_view_of_them_is_private_and_not_stored(
    client, published, focal_point_kenya
):
    """Their page carries their name and menu: no shared cache may keep it."""
    client.force_login(focal_point_kenya)
    for url in pages():
        assert client.get(url)["Cache-Control"] == "private, no-store", url
