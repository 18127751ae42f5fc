"""Wrong codes are checked one at a time per person, each seeing the failures before it.

After a wrong code a device waits 1 s before it checks another, then 2 s after the next
failure, 4 s, and so on (django-otp's throttle). So wrong codes sent at one instant,
one after another or all at once from parallel requests, get exactly one check: every
other answer says to wait, and no failure is lost from the count.
"""

import copy
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import oath
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import recovery_codes, two_factor

from .conftest import sign_in

VERIFY = reverse("accounts:two_factor_verify")
WAIT = "Too many wrong codes"
WRONG = "This code is not valid"


class Clock:
    """The time of the throttle, stopped at one instant until a test moves it."""

    def __init__(self):
        self.now = timezone.now()

    def __call__(self):
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(timezone, "now", clock)
    return clock


class Counter:
    """Counts calls of a function, from any thread."""

    def __init__(self, function):
        self.function, self.calls, self._lock = function, 0, threading.Lock()

    def __call__(self, *args, **kwargs):
        with self._lock:
            self.calls += 1
        return self.function(*args, **kwargs)


@pytest.fixture
def totp_checks(monkeypatch):
    """How many authenticator codes were compared."""
    counter = Counter(oath.TOTP.verify)
    monkeypatch.setattr(oath.TOTP, "verify", lambda *a, **k: counter(*a, **k))
    return counter


@pytest.fixture
def recovery_code_comparisons(monkeypatch):
    """How many times a code was compared with a stored recovery code's hash."""
    counter = Counter(recovery_codes.code_matches)
    monkeypatch.setattr(recovery_codes, "code_matches", counter)
    return counter


def failures(device) -> int:
    device.refresh_from_db()
    return device.throttling_failure_count


@pytest.mark.django_db
def test_wrong_codes_at_one_instant_get_one_check(
    client, clock, totp_checks, focal_point_norway, norway_phone
):
    sign_in(client, "nora", "pw-nora")
    answers = [client.post(VERIFY, {"code": "000000"}).content.decode() for _ in range(6)]

    assert totp_checks.calls == 1
    assert [WRONG in answer for answer in answers] == [True] + [False] * 5
    assert all(WAIT in answer for answer in answers[1:])
    assert failures(norway_phone) == 1


@pytest.mark.django_db
def test_each_wait_doubles_and_every_checked_failure_is_counted(
    client, clock, totp_checks, focal_point_norway, norway_phone
):
    sign_in(client, "nora", "pw-nora")
    for wait in [1, 2, 4, 8]:
        client.post(VERIFY, {"code": "000000"})
        clock.advance(wait - 0.1)
        assert WAIT in client.post(VERIFY, {"code": "000000"}).content.decode()
        clock.advance(0.1)
    assert totp_checks.calls == 4
    assert failures(norway_phone) == 4


@pytest.mark.django_db
def test_wrong_recovery_codes_at_one_instant_get_one_check(
    clock, recovery_code_comparisons, focal_point_norway, norway_phone
):
    two_factor.recovery_codes_generate(user=focal_point_norway)
    checks = [
        two_factor.code_check(user=focal_point_norway, code=recovery_codes.new_code())
        for _ in range(5)
    ]
    assert recovery_code_comparisons.calls == 10  # one code against the ten stored
    assert [check.locked_until is None for check in checks] == [True] + [False] * 4
    assert two_factor.recovery_codes_left(focal_point_norway) == 10


# Parallel requests, each in its own thread and database connection. PostgreSQL only:
# SQLite's in-memory test database locks whole tables between threads, and a SQLite
# database's transactions here take the write lock at their start, so they take turns.

PARALLEL = 30


def in_parallel(action, times: int) -> list:
    """Run `action` `times` times at once, each in a thread with its own connection."""
    start = threading.Barrier(times)
    results: list = [None] * times

    def run(index):
        try:
            start.wait()
            results[index] = action()
        except Exception as error:  # the test reads it
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive(), "a request never finished"
    return results


postgresql_only = pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's in-memory test database locks whole tables between threads",
)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_wrong_codes_sent_in_parallel_get_one_check(
    clock, totp_checks, focal_point_norway, norway_phone
):
    signed_in = Client()
    sign_in(signed_in, "nora", "pw-nora")

    def wrong_code():
        browser = Client()
        # The same session, in a cookie jar of its own: answers set cookies.
        browser.cookies = copy.deepcopy(signed_in.cookies)
        return browser.post(VERIFY, {"code": "000000"}).content.decode()

    answers = in_parallel(wrong_code, PARALLEL)

    assert totp_checks.calls == 1
    assert sum(WRONG in answer for answer in answers) == 1
    assert sum(WAIT in answer for answer in answers) == PARALLEL - 1
    assert failures(TOTPDevice.objects.get(user=focal_point_norway)) == 1


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_wrong_recovery_codes_checked_in_parallel_get_one_check(
    clock, recovery_code_comparisons, focal_point_norway, norway_phone
):
    two_factor.recovery_codes_generate(user=focal_point_norway)

    checks = in_parallel(
        lambda: two_factor.code_check(user=focal_point_norway, code=recovery_codes.new_code()),
        PARALLEL,
    )

    assert not [check for check in checks if isinstance(check, Exception)]
    assert recovery_code_comparisons.calls == 10
    assert sum(check.locked_until is not None for check in checks) == PARALLEL - 1
