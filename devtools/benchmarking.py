"""What the benchmark and benchmark-data commands share."""

from django.conf import settings
from django.core.management.base import CommandError
from django.test import Client, override_settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from assessments.models import Cycle
from delegations.models import MemberState


def refuse_in_production() -> None:
    """Every command here writes, even those that roll back: in production the rows they
    lock or create (an open cycle, users) would be the delegations' own."""
    if settings.PRODUCTION:
        raise CommandError("Development tools never run in production (DJANGO_ENV=production).")


def open_cycle() -> Cycle:
    """The latest open cycle, which the benchmarks measure; refuse an empty database."""
    cycle = Cycle.objects.filter(is_open=True).first()  # latest first (Meta.ordering)
    if cycle is None or not MemberState.objects.exists():
        raise CommandError("Load the reference data first: manage.py load_reference_data")
    return cycle


def signed_in_client(user) -> Client:
    """A client signed in as `user` with both steps passed: staff and focal points may
    open nothing before their second factor (accounts.two_factor.is_required)."""
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="benchmark", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def signed_in_session(user, *, secret_key: str) -> str:
    """The key of a session signed in as `user` with both steps passed, for a server
    whose SECRET_KEY is `secret_key` (sessions and their sign-in hash are signed with it)."""
    with override_settings(SECRET_KEY=secret_key):
        client = signed_in_client(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value
