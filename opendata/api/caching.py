"""Conditional GET and kept answers, on the catalogue version.

A client that holds the current version (its ETag, or a Last-Modified no older than the
last change) is answered 304 before anything is read or serialized. Otherwise an answer
already made for the same address at the same version is served again from this
process's memory; only the first request for an address after a change reads the rows
and serializes them. Every answer says how long it may be kept.

The version is one row (version.py); the test of a 304 is Django's own
(`get_conditional_response`, the one behind `django.views.decorators.http.condition`),
called inside the DRF view, after its throttle, so that a 304 is counted too.
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import get_language

from .version import Version, catalogue_version

# What a kept answer keeps of its headers besides its body; the validators and
# Cache-Control are set anew.
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Link")


@dataclass(frozen=True)
class Kept:
    content: bytes
    headers: tuple[tuple[str, str], ...]

    def response(self) -> HttpResponse:
        response = HttpResponse(self.content)
        for name, value in self.headers:
            response[name] = value
        return response


class KeptAnswers:
    """The latest answers served, least recently used first out, within a number of
    answers and of bytes: an answer of 200 recommendations is some 400 kB, a download
    some 300 kB. Keys hold the version, so an answer of an older version is never served;
    it waits to be pushed out."""

    def __init__(self, *, max_answers: int, max_bytes: int):
        self.max_answers, self.max_bytes = max_answers, max_bytes
        self._answers: OrderedDict[tuple, Kept] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Kept | None:
        with self._lock:
            kept = self._answers.get(key)
            if kept is not None:
                self._answers.move_to_end(key)
            return kept

    def put(self, key: tuple, kept: Kept) -> None:
        if len(kept.content) > self.max_bytes:
            return
        with self._lock:
            previous = self._answers.pop(key, None)
            if previous is not None:
                self._bytes -= len(previous.content)
            self._answers[key] = kept
            self._bytes += len(kept.content)
            while len(self._answers) > self.max_answers or self._bytes > self.max_bytes:
                _key, oldest = self._answers.popitem(last=False)
                self._bytes -= len(oldest.content)

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()
            self._bytes = 0


# Per process: with four web workers, at most some 130 MB in all.
ANSWERS = KeptAnswers(max_answers=500, max_bytes=32 * 1024 * 1024)


def set_validators(response, version: Version) -> None:
    response["ETag"] = version.etag(get_language())
    response["Last-Modified"] = http_date(version.last_modified)
    # Public: the same for everyone, no cookie or key in it. Modest: a change shows within
    # max-age for a client that does not revalidate.
    patch_cache_control(response, public=True, max_age=settings.API_CACHE_MAX_AGE)


class ConditionalOnCatalogue:
    """A view whose GET (and HEAD) answer depends on the published tables only:
    `respond(request, version, *args, **kwargs)` builds it, unless the client's copy is
    current or the same answer was made already."""

    _kept_key = None

    def get(self, request, *args, **kwargs):
        version = catalogue_version()
        language = get_language()
        response = get_conditional_response(
            request, etag=version.etag(language), last_modified=version.last_modified
        )
        if response is None:
            # The host is in it: the answer's links are absolute. The language too: a few
            # answers say something in the visitor's language.
            key = (version.token, language, request.build_absolute_uri())
            kept = ANSWERS.get(key)
            if kept is not None:
                response = kept.response()
            else:
                response = self.respond(request, version, *args, **kwargs)
                self._kept_key = key
        if response.status_code in (200, 304):
            set_validators(response, version)
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self._kept_key is not None and response.status_code == 200 and not response.streaming:
            if hasattr(response, "render"):
                response.render()  # a DRF Response, rendered once here rather than later
            headers = tuple((name, response[name]) for name in KEPT_HEADERS if name in response)
            ANSWERS.put(self._kept_key, Kept(response.content, headers))
        return response

    def respond(self, request, version: Version, *args, **kwargs):
        raise NotImplementedError
