"""A request for a host the site does not serve gets Django's 400 page, not a 500.

Such a request is refused before the session and the user are read, so the error page
is rendered for a request that has neither: every context processor must cope.
"""

import pytest
from django.conf import settings
from django.http import HttpRequest
from django.template import RequestContext, Template
from django.test import Client
from django.utils.module_loading import import_string

pytestmark = pytest.mark.django_db


@pytest.fixture
def outsider(settings):
    """A client of the production site (DEBUG off) that reads error answers as a browser
    would, instead of raising the view's exception in the test."""
    settings.DEBUG = False
    return Client(raise_request_exception=False, HTTP_HOST="evil.example")


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/accounts/login/",
        "/accounts/password/reset/",
        "/accounts/two-factor/",
        "/admin/",
        "/catalogue/",
        "/nowhere/",
    ],
)
def test_a_host_not_served_gets_the_bad_request_page(outsider, url):
    response = outsider.get(url)
    assert response.status_code == 400
    assert "Bad request" in response.content.decode()


def test_a_post_to_a_host_not_served_gets_the_bad_request_page(outsider):
    response = outsider.post("/accounts/login/", {"username": "nora", "password": "x"})
    assert response.status_code == 400


def test_a_signed_in_browser_sent_to_another_host_gets_the_bad_request_page(
    outsider, focal_point_norway
):
    outsider.force_login(focal_point_norway)
    assert outsider.get("/accounts/two-factor/").status_code == 400


@pytest.mark.parametrize(
    "path", settings.TEMPLATES[0]["OPTIONS"]["context_processors"], ids=lambda p: p
)
def test_every_context_processor_answers_for_a_request_without_user_or_session(path):
    context = import_string(path)(HttpRequest())
    # Lazy values are read as a template would read them.
    assert len([str(value) for value in context.values()]) == len(context)


def test_a_request_without_user_or_session_renders_as_nobody_signed_in():
    page = Template(
        "{{ user.is_authenticated }}|{{ delegation }}|"
        "{{ session_idle_left_seconds|default:'no clock' }}"
    ).render(RequestContext(HttpRequest()))
    assert page == "False|None|no clock"


def test_a_host_not_served_is_logged_but_not_mailed_to_the_administrators(
    outsider, settings, mailoutbox, caplog
):
    """Anyone can send such requests by the thousand: each one is a line in the log,
    not an e-mail to the site's administrators."""
    settings.ADMINS = [("Site administrators", "ops@example.org")]
    with caplog.at_level("ERROR", logger="django.security.DisallowedHost"):
        assert outsider.get("/").status_code == 400
    assert "evil.example" in caplog.text
    assert mailoutbox == []
