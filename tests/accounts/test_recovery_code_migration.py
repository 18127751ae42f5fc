"""The codes people hold when recovery codes became hashes keep working, and their clear
copies are gone (accounts/migrations/0009_recovery_codes_hashed)."""

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from accounts import two_factor
from accounts.models import RecoveryCode, User

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def before_hashing():
    call_command("migrate", "accounts", "0008_delegations", verbosity=0)
    try:
        yield
    finally:
        call_command("migrate", verbosity=0)


def test_clear_codes_become_hashes_that_still_sign_in(before_hashing):
    # The tables of these models are as they were before the migration.
    nora = User.objects.create(username="nora")
    ola = User.objects.create(username="ola")
    device = StaticDevice.objects.create(user=nora, name="Recovery codes", confirmed=True)
    for token in ["abcd2345", "efgh6723", "ijkl2345"]:
        StaticToken.objects.create(device=device, token=token)
    StaticDevice.objects.create(user=ola, name="Recovery codes", confirmed=True)

    call_command("migrate", "accounts", verbosity=0)

    assert not StaticToken.objects.exists()
    hashes = list(RecoveryCode.objects.values_list("device__user__username", "code_hash"))
    assert sorted(user for user, _hash in hashes) == ["nora"] * 3
    assert not any("abcd2345" in hashed for _user, hashed in hashes)
    assert two_factor.recovery_codes_left(nora) == 3
    assert two_factor.recovery_codes_left(ola) == 0
    # As typed from the old printout, in any case.
    assert two_factor.code_check(user=nora, code="EFGH 6723").device == device
    assert two_factor.recovery_codes_left(nora) == 2
