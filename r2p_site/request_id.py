"""One id per request, on its response (X-Request-ID), on every log line written while it
runs and on its error page, so that a user's report, the proxy's access log and the
application's logs meet. The proxy sends its own id (docker/nginx.conf); without one the
site makes one.

Kept to a uuid4 and a context variable per request: an autosave's CPU budget is a few
milliseconds.
"""

import logging
import re
import uuid
from contextvars import ContextVar

from django.core.signals import request_finished

HEADER = "X-Request-ID"
# Anything else (too long, spaces, quotes, newlines) could forge or break a log line.
SANE_ID = re.compile(r"[A-Za-z0-9-]{8,64}")

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def current_request_id() -> str | None:
    return _request_id.get()


def _forget(**kwargs) -> None:
    _request_id.set(None)


class RequestIdMiddleware:
    """First in MIDDLEWARE, so that every other middleware's log lines carry the id.

    The id stays set until the response is closed (request_finished), not only until
    this middleware returns: Django logs a 4xx or 5xx that a middleware or view returned
    ("Bad Request", "Too Many Requests") after the middlewares, and that line needs it
    most.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        request_finished.connect(_forget, dispatch_uid="r2p_site.request_id.forget")

    def __call__(self, request):
        offered = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = offered if SANE_ID.fullmatch(offered) else uuid.uuid4().hex
        _request_id.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Puts the current request's id (None outside a request) on each record, for the
    formatters to print."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True
