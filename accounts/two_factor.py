"""Two-factor sign-in: authenticator-app (TOTP) devices and single-use recovery codes.

A user has at most one confirmed TOTP device and one static device holding the
recovery codes. Codes are checked by django-otp's devices, which throttle wrong
codes themselves (each failure doubles the wait before the next try).
"""

import time
from base64 import b32encode
from binascii import unhexlify
from dataclasses import dataclass
from datetime import datetime

import segno
from django.db import transaction
from django.utils.safestring import mark_safe
from django_otp import devices_for_user, user_has_device, verify_token
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from delegations.models import Member

RECOVERY_CODE_COUNT = 10


@dataclass(frozen=True)
class CodeCheck:
    device: Device | None = None
    # Set when a device refuses to check any code for now after repeated failures.
    locked_until: datetime | None = None


def has_two_factor(user) -> bool:
    return user_has_device(user, confirmed=True)


def is_required(user) -> bool:
    """Secretariat staff, superusers and focal points may not sign in without a second
    factor, nor anyone the flag was set for (a former focal point keeps it).

    A focal point submits the State's official report, so the role itself requires it,
    however it was given: invitation, the admin, a hand-over or the demo data.
    """
    return (
        user.is_staff
        or user.is_superuser
        or user.two_factor_required
        or Member.objects.filter(user=user, role=Member.Role.FOCAL_POINT).exists()
    )


def new_totp_key() -> str:
    return default_key()


def totp_key_for_typing(key: str) -> str:
    """The key as authenticator apps expect it typed: base32, in groups of four."""
    encoded = b32encode(unhexlify(key)).decode("ascii").rstrip("=")
    return " ".join(encoded[i : i + 4] for i in range(0, len(encoded), 4))


def totp_qr_svg(*, user, key: str, title: str) -> str:
    """The otpauth:// address of an unsaved device with `key`, as an inline SVG QR code."""
    url = TOTPDevice(user=user, key=key).config_url
    # segno writes attributes only (no style), so the SVG passes a strict CSP.
    return mark_safe(segno.make(url, error="m").svg_inline(scale=4, title=title))  # noqa: S308


def _normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _is_number(code: str) -> bool:
    # Not str.isdigit alone: "²" is a digit to it, and int() refuses it.
    return code.isascii() and code.isdigit()


@transaction.atomic
def totp_device_confirm(*, user, key: str, code: str) -> TOTPDevice | None:
    """Save the authenticator app with `key` as `user`'s device if `code` is its current code.

    The key is only in the enrolling session until then, so a wrong code leaves nothing.
    """
    code = _normalise(code)
    if not _is_number(code):
        return None
    totp = TOTP(unhexlify(key))
    totp.time = time.time()
    if not totp.verify(int(code), tolerance=1):
        return None
    TOTPDevice.objects.filter(user=user).delete()
    # last_t: the confirming code is spent and cannot sign anyone in afterwards.
    return TOTPDevice.objects.create(
        user=user, name="Authenticator app", key=key, confirmed=True, last_t=totp.t()
    )


@transaction.atomic
def recovery_codes_generate(*, user) -> list[str]:
    """Replace `user`'s recovery codes with ten new ones, to be shown once."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": "Recovery codes", "confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def code_check(*, user, code: str) -> CodeCheck:
    """Check an authenticator code or a recovery code (spent when it matches)."""
    code = _normalise(code)
    devices = list(devices_for_user(user))
    for device in devices:
        allowed, details = device.verify_is_allowed()
        if not allowed:
            return CodeCheck(locked_until=(details or {}).get("locked_until"))
    for device in devices:
        if isinstance(device, TOTPDevice) and not _is_number(code):
            continue
        verified = verify_token(user, device.persistent_id, code)
        if verified is not None:
            return CodeCheck(device=verified)
    return CodeCheck()


@transaction.atomic
def two_factor_disable(*, user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
