"""Password hashing and reset by e-mail."""

import re

from django.contrib.auth.hashers import make_password
from django.urls import reverse

from r2p_site import settings as site_settings

from .conftest import current_code, sign_in


def test_an_older_pbkdf2_hash_becomes_argon2_at_the_next_sign_in(
    client, settings, focal_point_norway
):
    # The suite hashes with MD5 for speed; this test needs the site's own hashers.
    settings.PASSWORD_HASHERS = site_settings.PASSWORD_HASHERS
    focal_point_norway.password = make_password("pw-nora", hasher="pbkdf2_sha256")
    focal_point_norway.save()

    assert sign_in(client, "nora", "pw-nora").status_code == 302

    focal_point_norway.refresh_from_db()
    assert focal_point_norway.password.startswith("argon2$")
    assert focal_point_norway.check_password("pw-nora")


def test_new_passwords_are_hashed_with_argon2(settings, focal_point_norway):
    settings.PASSWORD_HASHERS = site_settings.PASSWORD_HASHERS
    focal_point_norway.set_password("a brand new passphrase")
    assert focal_point_norway.password.startswith("argon2$")


def test_the_sign_in_page_links_to_the_password_reset(client, db):
    html = client.get(reverse("accounts:login")).content.decode()
    assert "Forgot your password?" in html
    assert reverse("accounts:password_reset") in html


def reset_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def ask_for_reset(client, email):
    return client.post(reverse("accounts:password_reset"), {"email": email}, follow=True)


def test_a_reset_link_is_e_mailed_and_sets_a_new_password(client, focal_point_norway, mailoutbox):
    focal_point_norway.email = "nora@norway-mission.example"
    focal_point_norway.save()

    response = ask_for_reset(client, "nora@norway-mission.example")
    assert response.status_code == 200
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["nora@norway-mission.example"]
    assert "Reset your password" in mailoutbox[0].subject

    form = client.get(reset_link(mailoutbox[0]), follow=True)
    assert "new_password1" in form.content.decode()
    new_password = "a long new passphrase 2025"
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
        follow=True,
    )
    assert "Your new password is set" in done.content.decode()
    focal_point_norway.refresh_from_db()
    assert focal_point_norway.check_password(new_password)
    # A reset does not sign in: the person signs in as usual.
    assert "_auth_user_id" not in client.session


def test_an_unknown_address_gets_the_same_page_and_no_e_mail(
    client, focal_point_norway, mailoutbox
):
    focal_point_norway.email = "nora@norway-mission.example"
    focal_point_norway.save()
    known = ask_for_reset(client, "nora@norway-mission.example")
    unknown = ask_for_reset(client, "nobody@example.org")

    assert len(mailoutbox) == 1
    assert unknown.status_code == known.status_code == 200
    assert unknown.redirect_chain == known.redirect_chain
    # Identical but for the CSRF token of the language switcher, new on every page.
    assert without_csrf_token(unknown.content) == without_csrf_token(known.content)


def without_csrf_token(content: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


def test_a_reset_link_works_once(client, focal_point_norway, mailoutbox):
    focal_point_norway.email = "nora@norway-mission.example"
    focal_point_norway.save()
    ask_for_reset(client, "nora@norway-mission.example")
    link = reset_link(mailoutbox[0])
    form = client.get(link, follow=True)
    password = "a long new passphrase 2025"
    client.post(form.redirect_chain[-1][0], {"new_password1": password, "new_password2": password})
    again = client.get(link, follow=True)
    assert "This link is not valid" in again.content.decode()


def test_a_reset_does_not_skip_the_second_step(
    client, focal_point_norway, norway_phone, mailoutbox
):
    focal_point_norway.email = "nora@norway-mission.example"
    focal_point_norway.save()
    ask_for_reset(client, "nora@norway-mission.example")
    form = client.get(reset_link(mailoutbox[0]), follow=True)
    password = "a long new passphrase 2025"
    client.post(form.redirect_chain[-1][0], {"new_password1": password, "new_password2": password})

    sign_in(client, "nora", password)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:two_factor_verify"))

    verify = reverse("accounts:two_factor_verify")
    client.post(verify, {"code": current_code(norway_phone)})
    assert client.get(reverse("accounts:two_factor")).status_code == 200
