"""A browser's autosave over HTTP, for the benchmarks that run against a real server:
a session cookie, the CSRF cookie and token of the page, and the headers htmx and the
proxy in front of gunicorn add (docker/nginx.conf)."""

import http.client
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils.datastructures import CaseInsensitiveMapping


@dataclass
class Reply:
    """What the benchmarks read of a response, as Django's test client gives it."""

    status_code: int
    content: bytes
    headers: CaseInsensitiveMapping


def csrf_pair() -> tuple[str, str]:
    """A CSRF cookie and the token a page would carry for it, as CsrfViewMiddleware makes
    them when the page is rendered."""
    request = HttpRequest()
    token = get_token(request)
    return request.META["CSRF_COOKIE"], token


class HttpClient:
    """Posts forms to `base_url` in the session `session_key`, one connection per request
    (gunicorn's sync workers close each connection after answering)."""

    def __init__(self, base_url: str, session_key: str, *, timeout: float = 60.0):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.timeout = timeout
        cookie, self.csrf_token = csrf_pair()
        self.cookies = {
            settings.SESSION_COOKIE_NAME: session_key,
            settings.CSRF_COOKIE_NAME: cookie,
        }
        # The proxy terminates TLS and says so; a browser's POST names its origin.
        self.origin = f"https://{self.host}:{self.port}"

    def post(self, path: str, data: dict, headers: dict | None = None) -> Reply:
        body = urlencode({**data, "csrfmiddlewaretoken": self.csrf_token}).encode()
        sent = {
            "Host": f"{self.host}:{self.port}",
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items()),
            "Origin": self.origin,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "127.0.0.1",
            **(headers or {}),
        }
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            connection.request("POST", path, body=body, headers=sent)
            response = connection.getresponse()
            reply = Reply(
                response.status, response.read(), CaseInsensitiveMapping(response.getheaders())
            )
        finally:
            connection.close()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                self._keep(value)
        return reply

    def _keep(self, header: str) -> None:
        """Keep or drop a cookie the server set, as a browser does."""
        for name, morsel in SimpleCookie(header).items():
            if morsel["max-age"] == "0" or morsel.value == "":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value
