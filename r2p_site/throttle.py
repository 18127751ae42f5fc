"""Rate limits and one-at-a-time locks kept in Django's cache.

The cache is the database cache table in every environment (settings.CACHES), so the
gunicorn workers share the counts; run `manage.py createcachetable` after migrating.
"""

import math
import time
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render


def client_ip(request) -> str:
    """The address of the client, as the nearest trusted proxy saw it.

    Each of the TRUSTED_PROXY_COUNT proxies appends the address it received the request
    from to X-Forwarded-For, so the entry that many places from the right is the last one
    a client could not forge. With no trusted proxy the connection's address is used.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [
            address.strip()
            for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if address.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")


class Throttled(Exception):
    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


def count_request(key: str, *, limit: int, period: int) -> None:
    """Count one request under `key`; raise Throttled beyond `limit` per `period` seconds.

    Fixed windows: a client may reach twice the limit around a window's end, which is
    fine for a brake on abuse and costs two queries instead of a list of timestamps.
    """
    now = time.time()
    window = int(now // period)
    name = f"throttle:{key}:{window}"
    cache.add(name, 0, timeout=period)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.add(name, 1, timeout=period)
        count = 1
    if count > limit:
        raise Throttled(retry_after=max(1, math.ceil((window + 1) * period - now)))


@contextmanager
def one_of(key: str, slots: int, *, timeout: int, retry_after: int):
    """Hold one of `slots` locks named after `key`, or raise Throttled while others
    hold them all: at most `slots` requests do this work at once, site-wide.

    `timeout` frees the lock of a worker that died while holding it.
    """
    for slot in range(slots):
        name = f"slot:{key}:{slot}"
        if cache.add(name, 1, timeout=timeout):
            break
    else:
        raise Throttled(retry_after=retry_after)
    try:
        yield
    finally:
        cache.delete(name)


@contextmanager
def one_at_a_time(key: str, *, timeout: int, retry_after: int):
    """Hold a lock named `key`, or raise Throttled while another request holds it.

    `timeout` frees the lock of a worker that died while holding it.
    """
    name = f"lock:{key}"
    if not cache.add(name, 1, timeout=timeout):
        raise Throttled(retry_after=retry_after)
    try:
        yield
    finally:
        cache.delete(name)


def too_many_requests(request, throttled: Throttled):
    """The 429 page, with the Retry-After header the limit implies."""
    minutes = max(1, math.ceil(throttled.retry_after / 60))
    response = render(request, "429.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(throttled.retry_after)
    return response
