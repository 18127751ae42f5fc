"""The API's brake on a client that asks too much: API_ANON_RATE requests per period
for each client address (the public API), API_KEY_RATE for each secretariat key; past
it, 429 with Retry-After.

Fixed windows, as the site's own throttles (r2p_site/throttle.py), but each request
counted by one statement: an upsert on one row per client (`ApiRateWindow`) that
returns the count. Measured on PostgreSQL with the benchmark of docs/benchmarks.md,
where each query is a round trip: the site's counter in the database cache took 12
queries a request (`add`, then `incr` as a read and a write, each write counting the
table and in a savepoint) and DRF's `AnonRateThrottle` 6 (its list of request times
read, then written), both in the same cache; a 304 answer then cost 2.9 ms, and most of
it was the throttle.
"""

import math
import random
import time

from django.conf import settings
from django.db import connection
from rest_framework.throttling import BaseThrottle

from r2p_site.throttle import client_ip

from ..models import ApiRateWindow

PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}
# One request in this many that opens a client's new window also deletes the windows
# that have ended: the table keeps about one row per client seen lately.
PRUNE_ONE_IN = 100


def parse_rate(rate: str) -> tuple[int, int]:
    """ "120/min" -> (120, 60); settings.py refuses any other form at start."""
    count, _slash, period = rate.partition("/")
    return int(count), PERIODS[period]


def count_request(key: str, *, period: int) -> tuple[int, int]:
    """Count one request of `key` in the current window of `period` seconds: (the count
    in that window, the window's end, in seconds since the epoch)."""
    now = time.time()
    window_end = (int(now // period) + 1) * period
    quote = connection.ops.quote_name
    table = quote(ApiRateWindow._meta.db_table)
    key_column, window, count = quote("key"), quote("window"), quote("count")
    with connection.cursor() as cursor:
        # The old row's values on the right of each SET, on both databases. Names from
        # the model, quoted; the values are parameters.
        cursor.execute(
            f"INSERT INTO {table} ({key_column}, {window}, {count}) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT ({key_column}) DO UPDATE SET "
            f"{count} = CASE WHEN {table}.{window} = excluded.{window} "
            f"THEN {table}.{count} + 1 ELSE 1 END, "
            f"{window} = excluded.{window} RETURNING {count}",
            [key[:100], window_end],
        )
        (counted,) = cursor.fetchone()
        if counted == 1 and random.randrange(PRUNE_ONE_IN) == 0:  # noqa: S311 (no secret)
            cursor.execute(f"DELETE FROM {table} WHERE {window} < %s", [int(now)])  # noqa: S608
    return counted, window_end


class WindowThrottle(BaseThrottle):
    setting = "API_ANON_RATE"
    scope = "api"

    def key(self, request) -> str:
        return client_ip(request)

    def allow_request(self, request, view) -> bool:
        limit, period = parse_rate(getattr(settings, self.setting))
        counted, window_end = count_request(f"{self.scope}:{self.key(request)}", period=period)
        if counted > limit:
            self.retry_after = max(1, math.ceil(window_end - time.time()))
            return False
        return True

    def wait(self):
        return getattr(self, "retry_after", None)


class PublicThrottle(WindowThrottle):
    """The public API, per client address."""


class RefusedKeys:
    """The secretariat's API, requests refused for their key, per client address: a
    script guessing keys, or one left running with a revoked key, is stopped before
    each attempt costs a key's hash and a log line."""

    setting = "API_KEY_REFUSALS_RATE"

    def __init__(self, request):
        self.key = f"api-key-refused:{client_ip(request)}"[:100]
        self.limit, self.period = parse_rate(getattr(settings, self.setting))

    def wait(self) -> int | None:
        """Seconds until the address may try again, or None if it may now (one read)."""
        now = time.time()
        window_end = (int(now // self.period) + 1) * self.period
        counted = (
            ApiRateWindow.objects.filter(key=self.key, window=window_end)
            .values_list("count", flat=True)
            .first()
        )
        if counted is not None and counted >= self.limit:
            return max(1, math.ceil(window_end - now))
        return None

    def count(self) -> None:
        count_request(self.key, period=self.period)


class KeyThrottle(WindowThrottle):
    """The secretariat's API, per key (its prefix: the key itself is never kept). Runs
    after the key is checked, so the prefix is a valid key's."""

    setting = "API_KEY_RATE"
    scope = "api-key"

    def key(self, request) -> str:
        authorization = request.META.get("HTTP_AUTHORIZATION", "")
        return authorization.partition(" ")[2].partition(".")[0][:8]
