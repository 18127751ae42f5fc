"""Two-factor sign-in: authenticator-app (TOTP) devices and single-use recovery codes.

A user has at most one confirmed TOTP device and one static device holding the
recovery codes, hashed (`RecoveryCode`, `recovery_codes.py`). Wrong codes are throttled
on the devices, django-otp's way: each failure doubles the wait before the next try.
A check reads and writes the devices' failure counts under a lock on the devices, so
codes sent in parallel are checked one at a time and each sees the failures before it.
"""

import time
from base64 import b32encode
from binascii import unhexlify
from dataclasses import dataclass
from datetime import datetime

import segno
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.safestring import mark_safe
from django_otp import devices_for_user, user_has_device
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from delegations.models import Member

from . import recovery_codes
from .models import RecoveryCode

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


_normalise = recovery_codes.normalise


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
    """Replace `user`'s recovery codes with ten new ones, to be shown once: only their
    hashes are kept."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": "Recovery codes", "confirmed": True}
    )
    # Locked, so that a code being checked meanwhile is checked against the old set or
    # the new one, never half of each.
    device = StaticDevice.objects.select_for_update().get(pk=device.pk)
    device.recovery_codes.all().delete()
    # Codes django-otp's admin may have added in clear: replaced like the others.
    StaticToken.objects.filter(device=device).delete()
    codes = [recovery_codes.new_code() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(device=device, code_hash=recovery_codes.code_hash(code)) for code in codes]
    )
    return codes


def recovery_codes_left(user) -> int:
    return RecoveryCode.objects.filter(device__user=user, device__confirmed=True).count()


def code_check(*, user, code: str) -> CodeCheck:
    """Check an authenticator code or a recovery code (spent when it matches).

    The user's devices are locked first and their throttling read from the locked rows:
    a check that waited for another one sees its failure, and waits for the device
    rather than being counted as a wrong code. (On SQLite, whose transactions here take
    the write lock at their start, checks take turns the same way.)
    """
    code = _normalise(code)
    with transaction.atomic():
        devices = list(devices_for_user(user, confirmed=True, for_verify=True))
        for device in devices:
            allowed, details = device.verify_is_allowed()
            if not allowed:
                return CodeCheck(locked_until=(details or {}).get("locked_until"))
        for device in devices:
            if isinstance(device, TOTPDevice):
                accepted = _is_number(code) and device.verify_token(code)
            else:
                accepted = isinstance(device, StaticDevice) and _recovery_code_spend(device, code)
            if accepted:
                return CodeCheck(device=device)
    return CodeCheck()


def _recovery_code_spend(device: StaticDevice, code: str) -> bool:
    """Spend the recovery code of the (locked) `device` that `code` is, or count a
    failure on the device."""
    for stored in device.recovery_codes.all():
        if recovery_codes.code_matches(code, stored.code_hash):
            stored.delete()
            StaticDevice.objects.filter(pk=device.pk).update(
                throttling_failure_count=0,
                throttling_failure_timestamp=None,
                last_used_at=timezone.now(),
            )
            return True
    # Counted in the database, not from the count read: a failure recorded meanwhile
    # by any other path is never overwritten.
    StaticDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=F("throttling_failure_count") + 1,
        throttling_failure_timestamp=timezone.now(),
    )
    return False


@transaction.atomic
def two_factor_disable(*, user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
