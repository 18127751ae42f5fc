"""Two-factor sign-in: a code after the password, required for secretariat staff and every
focal point."""

import re
import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.views import ENROL_KEY
from delegations.models import Member

from .conftest import current_code, sign_in

VERIFY = reverse("accounts:two_factor_verify")
ENROL = reverse("accounts:two_factor_enrol")


def enter_code(client, code, next_url=""):
    return client.post(VERIFY, {"code": code, "next": next_url})


def test_an_editor_without_a_device_signs_in_with_the_password_only(client, editor_norway):
    response = sign_in(client, "erik", "pw-erik")
    assert response.status_code == 302
    assert client.get(reverse("accounts:two_factor")).status_code == 200
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("how", ["appointed in the admin", "promoted from editor"])
def test_a_focal_point_without_a_device_must_set_one_up_before_anything_else(
    client, django_user_model, norway, editor_norway, how
):
    """However the role was given, the focal point submits the official report: the flag
    set by invitations and hand-overs is not what makes it required."""
    if how == "appointed in the admin":
        user = django_user_model.objects.create_user(username="ola", password="pw-ola")
        Member.objects.create(user=user, member_state=norway, role=Member.Role.FOCAL_POINT)
    else:
        user = editor_norway
        Member.objects.filter(user=user).update(role=Member.Role.FOCAL_POINT)
    assert not user.two_factor_required

    sign_in(client, user.username, "pw-" + user.username)
    for page in (reverse("home"), reverse("assessments:home")):
        response = client.get(page)
        assert response.status_code == 302
        assert response.url.startswith(ENROL)
    enrol_page = client.get(ENROL).content.decode()
    assert "Focal points must use two-factor sign-in" in enrol_page
    assert "Not now" not in enrol_page


def test_an_editor_made_focal_point_while_signed_in_is_sent_to_set_up_within_a_minute(
    client, editor_norway, monkeypatch
):
    sign_in(client, "erik", "pw-erik")
    assert client.get(reverse("home")).status_code == 200
    Member.objects.filter(user=editor_norway).update(role=Member.Role.FOCAL_POINT)

    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(ENROL)


def test_a_delegate_with_a_device_enters_a_code_after_the_password(
    client, focal_point_norway, norway_phone
):
    sign_in(client, "nora", "pw-nora")
    page = reverse("accounts:password_change")

    response = client.get(page)
    assert response.status_code == 302
    assert response.url == VERIFY + "?next=" + page.replace("/", "%2F")
    assert "Enter your code" in client.get(response.url).content.decode()

    response = enter_code(client, current_code(norway_phone), next_url=page)
    assert response.status_code == 302
    assert response.url == page
    assert client.get(page).status_code == 200


def test_the_second_step_gives_the_session_a_new_key(client, focal_point_norway, norway_phone):
    sign_in(client, "nora", "pw-nora")
    after_password = client.session.session_key
    enter_code(client, current_code(norway_phone))
    assert client.session.session_key != after_password


def test_a_wrong_code_is_refused_and_then_throttled(client, focal_point_norway, norway_phone):
    sign_in(client, "nora", "pw-nora")
    response = enter_code(client, "000000")
    assert response.status_code == 200
    assert "This code is not valid" in response.content.decode()

    # Right after a failure even the right code waits: guessing gets slower and slower.
    response = enter_code(client, current_code(norway_phone))
    assert "Too many wrong codes" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_a_code_is_accepted_once(client, focal_point_norway, norway_phone):
    code = current_code(norway_phone)
    sign_in(client, "nora", "pw-nora")
    enter_code(client, code)
    client.post(reverse("accounts:logout"))

    sign_in(client, "nora", "pw-nora")
    response = enter_code(client, code)
    assert "This code is not valid" in response.content.decode()


def test_a_recovery_code_signs_in_once_only(client, focal_point_norway, norway_phone):
    codes = two_factor.recovery_codes_generate(user=focal_point_norway)
    assert len(codes) == 10 == len(set(codes))

    sign_in(client, "nora", "pw-nora")
    assert enter_code(client, codes[0].upper()).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("accounts:logout"))

    sign_in(client, "nora", "pw-nora")
    assert "This code is not valid" in enter_code(client, codes[0]).content.decode()
    assert two_factor.recovery_codes_left(focal_point_norway) == 9


def test_staff_without_a_device_must_set_one_up_and_cannot_open_the_admin(client, secretariat):
    TOTPDevice.objects.filter(user=secretariat).delete()
    sign_in(client, "sam", "pw-sam")

    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(ENROL)
    for url in [reverse("home"), reverse("accounts:two_factor"), "/admin/auth/group/"]:
        assert client.get(url).url.startswith(ENROL), url
    assert client.get(reverse("home"), headers={"HX-Request": "true"}).status_code == 401
    assert client.get(ENROL).status_code == 200
    assert client.post(reverse("accounts:logout")).status_code == 302


def test_a_superuser_without_a_device_must_set_one_up(client, django_user_model):
    django_user_model.objects.create_superuser("root", password="pw-root")
    sign_in(client, "root", "pw-root")
    assert client.get(reverse("admin:index")).url.startswith(ENROL)


def test_staff_who_passed_only_the_password_cannot_open_the_admin(client, secretariat):
    sign_in(client, "sam", "pw-sam")
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(VERIFY)

    enter_code(client, current_code(TOTPDevice.objects.get(user=secretariat)))
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_admin_login_is_no_way_around_the_second_step(client, secretariat):
    response = sign_in(client, "sam", "pw-sam", url="admin:login")
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).url.startswith(VERIFY)


def test_the_admin_site_itself_refuses_unverified_staff(client, settings, secretariat):
    # Should the middleware ever be dropped, the admin still asks for the second step.
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "TwoFactorMiddleware" not in m]
    sign_in(client, "sam", "pw-sam")
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def code_for_session_key(client) -> str:
    totp = TOTP(bytes.fromhex(client.session[ENROL_KEY]))
    return str(totp.token()).zfill(6)


def test_staff_set_up_an_authenticator_app_and_then_reach_the_admin(client, secretariat):
    TOTPDevice.objects.filter(user=secretariat).delete()
    sign_in(client, "sam", "pw-sam")
    page = client.get(ENROL + "?next=/admin/").content.decode()
    assert "<svg" in page
    assert "Secretariat accounts must use two-factor sign-in" in page

    response = client.post(ENROL, {"code": code_for_session_key(client), "next": "/admin/"})
    assert TOTPDevice.objects.get(user=secretariat).confirmed
    # The recovery codes are in the answer to the set-up itself, and kept nowhere else.
    assert response.status_code == 200
    shown = response.content.decode()
    codes = re.findall(r'<li class="col">([a-z2-7-]+)</li>', shown)
    assert len(codes) == 10 == len(set(codes))
    assert 'href="/admin/"' in shown
    assert not any(code in str(dict(client.session)) for code in codes)
    again = client.get(reverse("accounts:recovery_codes")).content.decode()
    assert not any(code in again for code in codes)
    assert "10 unused recovery codes" in again

    assert client.get(reverse("admin:index")).status_code == 200
    client.post(reverse("accounts:logout"))
    sign_in(client, "sam", "pw-sam")
    assert enter_code(client, codes[3]).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.parametrize("code", ["12345", "²²²²²²", "١٢٣٤٥٦"])
def test_a_wrong_code_at_set_up_saves_no_device(client, editor_norway, code):
    client.force_login(editor_norway)
    client.get(ENROL)
    response = client.post(ENROL, {"code": code})
    assert "This code does not match" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=editor_norway).exists()


def test_digits_that_are_not_ascii_are_a_wrong_code_at_sign_in(
    client, focal_point_norway, norway_phone
):
    sign_in(client, "nora", "pw-nora")
    response = enter_code(client, "²²²²²²")
    assert response.status_code == 200
    assert "This code is not valid" in response.content.decode()


def test_the_set_up_page_shows_the_key_to_type(client, editor_norway):
    client.force_login(editor_norway)
    page = client.get(ENROL).content.decode()
    typed = two_factor.totp_key_for_typing(client.session[ENROL_KEY])
    assert typed in page
    assert 'role="img"' in page


@pytest.mark.parametrize(("with_code", "still_on"), [(False, True), (True, False)])
def test_turning_two_factor_off_needs_a_current_code(
    client, focal_point_norway, norway_phone, with_code, still_on
):
    client.force_login(focal_point_norway)  # both steps (tests/clients.py)
    code = current_code(norway_phone) if with_code else "999999"
    client.post(reverse("accounts:two_factor_disable"), {"code": code})
    assert two_factor.has_two_factor(focal_point_norway) is still_on


def test_turning_off_is_a_post(client, focal_point_norway):
    client.force_login(focal_point_norway)
    assert client.get(reverse("accounts:two_factor_disable")).status_code == 405


def test_the_second_step_returns_only_to_pages_of_this_site(
    client, focal_point_norway, norway_phone
):
    sign_in(client, "nora", "pw-nora")
    response = enter_code(client, current_code(norway_phone), next_url="https://evil.example/")
    assert response.url == reverse("start")  # the start page of the role, not elsewhere


def test_the_language_can_be_switched_on_the_code_step(client, focal_point_norway, norway_phone):
    """The code page shows the language switcher like every page: it must work there."""
    sign_in(client, "nora", "pw-nora")
    response = client.post(reverse("set_language"), {"language": "fr", "next": VERIFY})
    assert response.status_code == 302
    assert response.url == VERIFY
    focal_point_norway.refresh_from_db()
    assert focal_point_norway.language == "fr"
    assert '<html lang="fr"' in client.get(VERIFY).content.decode()
