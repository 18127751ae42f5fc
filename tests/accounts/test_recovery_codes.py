"""Recovery codes: kept only as salted hashes, shown once when made, spent when used, and
made again only by someone who enters a current code."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from accounts import recovery_codes, two_factor
from accounts.models import RecoveryCode

from .conftest import current_code

RECOVERY_CODES = reverse("accounts:recovery_codes")


def is_valid(user, code) -> bool:
    """Whether `code` is one of `user`'s unused codes, read without a sign-in attempt
    (which the throttle may refuse after a wrong code)."""
    hashes = RecoveryCode.objects.filter(device__user=user).values_list("code_hash", flat=True)
    return any(recovery_codes.code_matches(code, hashed) for hashed in hashes)


def test_only_salted_hashes_of_the_codes_are_stored(focal_point_norway, norway_phone):
    codes = two_factor.recovery_codes_generate(user=focal_point_norway)

    stored = list(RecoveryCode.objects.filter(device__user=focal_point_norway))
    assert len(stored) == len(codes) == 10
    assert not StaticToken.objects.exists()
    for row in stored:
        assert row.code_hash.startswith("pbkdf2_sha256$")
        assert not any(recovery_codes.normalise(code) in row.code_hash for code in codes)
    # Salted: the same code hashes differently each time.
    assert recovery_codes.code_hash(codes[0]) != recovery_codes.code_hash(codes[0])


def test_a_code_carries_eighty_random_bits(focal_point_norway):
    codes = two_factor.recovery_codes_generate(user=focal_point_norway)
    assert all(len(recovery_codes.normalise(code)) == 16 for code in codes)
    assert len(set(codes)) == 10


@pytest.mark.parametrize("typed", ["as shown", "upper case", "without dashes", "spaced"])
def test_a_code_is_accepted_as_typed_and_spent(focal_point_norway, norway_phone, typed):
    code = two_factor.recovery_codes_generate(user=focal_point_norway)[4]
    entered = {
        "as shown": code,
        "upper case": code.upper(),
        "without dashes": code.replace("-", ""),
        "spaced": " " + code.replace("-", " ") + " ",
    }[typed]

    check = two_factor.code_check(user=focal_point_norway, code=entered)
    assert isinstance(check.device, StaticDevice)
    assert two_factor.recovery_codes_left(focal_point_norway) == 9
    assert two_factor.code_check(user=focal_point_norway, code=code).device is None


def test_a_wrong_code_spends_nothing(focal_point_norway, norway_phone):
    two_factor.recovery_codes_generate(user=focal_point_norway)
    check = two_factor.code_check(user=focal_point_norway, code="aaaa-bbbb-cccc-dddd")
    assert check.device is None
    assert two_factor.recovery_codes_left(focal_point_norway) == 10


def test_the_codes_page_never_shows_the_codes_again(client, focal_point_norway, norway_phone):
    codes = two_factor.recovery_codes_generate(user=focal_point_norway)
    client.force_login(focal_point_norway)
    page = client.get(RECOVERY_CODES).content.decode()
    assert not any(code in page for code in codes)
    assert "10 unused recovery codes" in page


# Making new codes asks for a current code, as turning two-factor off does.


def make_new_codes(client, code):
    return client.post(RECOVERY_CODES, {"code": code})


def shown_codes(response) -> list[str]:
    page = response.content.decode()
    return [line.split("</li>")[0] for line in page.split('<li class="col">')[1:]]


def test_new_codes_with_a_current_code_replace_the_old_ones(
    client, focal_point_norway, norway_phone
):
    old = two_factor.recovery_codes_generate(user=focal_point_norway)
    client.force_login(focal_point_norway)

    response = make_new_codes(client, current_code(norway_phone))
    assert response.status_code == 200
    new = shown_codes(response)
    assert len(new) == 10
    assert "The old ones no longer work" in response.content.decode()
    assert not set(old) & set(new)
    assert not any(is_valid(focal_point_norway, code) for code in old)
    assert all(is_valid(focal_point_norway, code) for code in new)
    # Shown in that answer only.
    assert not any(code in client.get(RECOVERY_CODES).content.decode() for code in new)


def test_a_recovery_code_also_serves_to_make_new_ones(client, focal_point_norway, norway_phone):
    old = two_factor.recovery_codes_generate(user=focal_point_norway)
    client.force_login(focal_point_norway)
    response = make_new_codes(client, old[0])
    assert len(shown_codes(response)) == 10
    assert not is_valid(focal_point_norway, old[1])


@pytest.mark.parametrize("code", ["", "999999", "aaaa-bbbb-cccc-dddd"])
def test_without_a_current_code_the_old_codes_stay_valid(
    client, focal_point_norway, norway_phone, code
):
    old = two_factor.recovery_codes_generate(user=focal_point_norway)
    hashes = set(RecoveryCode.objects.values_list("code_hash", flat=True))
    client.force_login(focal_point_norway)

    response = make_new_codes(client, code)
    assert response.status_code == 400
    page = response.content.decode()
    assert "This code is not valid" in page or "This field is required" in page
    assert shown_codes(response) == []
    assert set(RecoveryCode.objects.values_list("code_hash", flat=True)) == hashes
    assert all(is_valid(focal_point_norway, code) for code in old)


def test_making_new_codes_is_throttled_like_signing_in(client, focal_point_norway, norway_phone):
    two_factor.recovery_codes_generate(user=focal_point_norway)
    client.force_login(focal_point_norway)
    make_new_codes(client, "999999")
    response = make_new_codes(client, current_code(norway_phone))
    assert "Too many wrong codes" in response.content.decode()
    assert shown_codes(response) == []


def test_without_two_factor_there_are_no_codes_to_make(client, editor_norway):
    client.force_login(editor_norway)
    response = make_new_codes(client, "999999")
    assert response.status_code == 302
    assert response.url == reverse("accounts:two_factor")
    assert not RecoveryCode.objects.exists()
