"""Each request has an id: on its response, on every log line written while it runs
(those Django writes after the middlewares included) and on its error page."""

import logging
import re

import pytest

from r2p_site import views
from r2p_site.request_id import RequestIdFilter, current_request_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_log():
    """The log records of the request, through the filter the console handler has."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    keep = Keep()
    keep.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(keep)
    yield records
    root.removeHandler(keep)


def test_the_console_handler_puts_the_request_id_on_every_line():
    handlers = [
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(one, RequestIdFilter) for one in handler.filters)
    ]
    assert len(handlers) == 1


def test_each_response_carries_a_new_id(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


def test_the_proxys_id_is_kept(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="1f0c2a9e4b7d4c3a8e5f6a7b8c9d0e1f")
    assert response["X-Request-ID"] == "1f0c2a9e4b7d4c3a8e5f6a7b8c9d0e1f"


@pytest.mark.parametrize(
    "offered",
    [
        "short",
        "a" * 65,
        "with space 12345",
        "line\nbreak-12345",
        '"quoted"-12345',
        "ünïcode-12345",
        "",
    ],
)
def test_an_id_that_could_forge_or_break_a_log_line_is_replaced(client, offered):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=offered)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_log_lines_of_the_request_carry_its_id_and_lines_after_it_none(client, request_log):
    response = client.get("/nowhere/", HTTP_X_REQUEST_ID="abcdef12-3456")
    assert response.status_code == 404
    (not_found,) = [
        record for record in request_log if record.getMessage() == "Not Found: /nowhere/"
    ]
    assert not_found.request_id == "abcdef12-3456"
    assert current_request_id() is None
    logging.getLogger("tests").warning("after the request")
    assert request_log[-1].request_id is None


def test_an_answer_returned_by_a_middleware_is_logged_with_the_id(client, request_log):
    """Django logs a 4xx a middleware returned once every middleware is done."""
    response = client.get("/?q=%00", HTTP_X_REQUEST_ID="abcdef12-0000")
    assert response.status_code == 400
    (bad,) = [record for record in request_log if record.getMessage() == "Bad Request: /"]
    assert bad.request_id == "abcdef12-0000"


def test_the_error_page_shows_the_id_to_quote(client, monkeypatch):
    client.raise_request_exception = False

    def render(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(views, "render", render)
    response = client.get("/", HTTP_X_REQUEST_ID="abcdef12-5000")
    assert response.status_code == 500
    assert response["X-Request-ID"] == "abcdef12-5000"
    page = response.content.decode()
    assert "quote this reference:" in page
    assert '<code dir="ltr">abcdef12-5000</code>' in page
