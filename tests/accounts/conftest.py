import time

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def current_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the person's authenticator app shows now (or `steps_ahead` periods later:
    a code is accepted once, and devices accept the next period's too)."""
    code = totp(
        device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=steps_ahead
    )
    return str(code).zfill(device.digits)


def sign_in(client, username, password, *, ip="192.0.2.10", url="accounts:login", **extra):
    """The password step, from the network address `ip`."""
    return client.post(
        reverse(url),
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
        **extra,
    )


@pytest.fixture
def norway_phone(focal_point_norway):
    """Nora's authenticator app: as a focal point, she signs in with it."""
    return TOTPDevice.objects.get(user=focal_point_norway)


@pytest.fixture
def erik_phone(editor_norway):
    """Erik's authenticator app: an editor who turned two-factor sign-in on by choice."""
    return TOTPDevice.objects.create(user=editor_norway, name="Erik's phone", confirmed=True)


@pytest.fixture
def now():
    return int(time.time())
