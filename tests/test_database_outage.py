"""While the database cannot be reached (a PostgreSQL restart), pages answer 503 with a
Retry-After and a page saying to try again shortly, not the 500 of a broken site; any
other error is still a 500."""

import pytest
from django.db import InterfaceError, OperationalError

from r2p_site import urls, views

pytestmark = pytest.mark.django_db


@pytest.fixture
def failing_home(monkeypatch, client):
    client.raise_request_exception = False

    def fail_with(error):
        def render(*args, **kwargs):
            raise error

        monkeypatch.setattr(views, "render", render)

    return fail_with


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("connection to server on socket failed"),
        InterfaceError("connection already closed"),
    ],
)
def test_an_unreachable_database_answers_503_with_a_retry(client, failing_home, error):
    failing_home(error)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 503
    assert response["Retry-After"] == str(views.DATABASE_RETRY_AFTER_SECONDS)
    page = response.content.decode()
    assert '<html lang="fr"' in page
    assert "Briefly unavailable" not in page  # in the reader's language


def test_any_other_error_is_still_a_500(client, failing_home):
    failing_home(ValueError("a bug"))
    response = client.get("/")
    assert response.status_code == 500
    assert "Retry-After" not in response


def test_the_site_uses_the_handler():
    assert urls.handler500 is views.server_error
