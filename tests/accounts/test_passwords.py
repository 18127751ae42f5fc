"""Password hashing and reset by e-mail."""

import re

import pytest
from django.contrib.auth.hashers import make_password
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from r2p_site import settings as site_settings
from tests.queue import run_queued

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


# The e-mail leaves from the task worker: the page queues the address, known or not, and
# answers in the same time for both.


def queued(task_queue) -> list[tuple[str, tuple, dict]]:
    return [
        (result.task.name, tuple(result.args), dict(result.kwargs)) for result in task_queue.results
    ]


def test_the_page_queues_the_address_alike_whether_an_account_has_it_or_not(
    client, task_queue, focal_point_norway, mailoutbox
):
    focal_point_norway.email = "nora@norway-mission.example"
    focal_point_norway.save()

    ask_for_reset(client, "nora@norway-mission.example")
    known = queued(task_queue)
    task_queue.clear()
    ask_for_reset(client, "nobody@example.org")
    unknown = queued(task_queue)

    assert known == [("send_password_reset", ("nora@norway-mission.example", "en"), {})]
    assert unknown == [("send_password_reset", ("nobody@example.org", "en"), {})]
    assert mailoutbox == []


def test_the_worker_e_mails_a_known_address_once_and_an_unknown_one_never(
    client, task_queue, focal_point_norway, mailoutbox
):
    focal_point_norway.email = "nora@norway-mission.example"
    focal_point_norway.save()
    ask_for_reset(client, "NORA@norway-mission.example")
    ask_for_reset(client, "nobody@example.org")

    assert run_queued(task_queue) == [1, 0]
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["nora@norway-mission.example"]

    form = client.get(reset_link(mailoutbox[0]), follow=True)
    password = "a long new passphrase 2025"
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": password, "new_password2": password},
        follow=True,
    )
    assert "Your new password is set" in done.content.decode()
    focal_point_norway.refresh_from_db()
    assert focal_point_norway.check_password(password)


def test_the_e_mail_links_to_the_sites_address(client, settings, focal_point_norway, mailoutbox):
    settings.SITE_URL = "https://r2p.example.org/"
    focal_point_norway.email = "nora@norway-mission.example"
    focal_point_norway.save()
    ask_for_reset(client, "nora@norway-mission.example")
    assert "https://r2p.example.org/accounts/password/reset/" in mailoutbox[0].body
    assert "account on r2p.example.org." in mailoutbox[0].body


@pytest.mark.parametrize(("chosen", "page", "expected"), [("", "fr", "fr"), ("es", "fr", "es")])
def test_the_e_mail_is_in_the_accounts_language_or_else_the_pages(
    client, task_queue, focal_point_norway, mailoutbox, chosen, page, expected
):
    focal_point_norway.email = "nora@norway-mission.example"
    focal_point_norway.language = chosen
    focal_point_norway.save()
    client.post(
        reverse("accounts:password_reset"),
        {"email": "nora@norway-mission.example"},
        headers={"accept-language": page},
    )
    run_queued(task_queue)
    english = "Reset your password for the R2P implementation self-assessment"
    with translation.override(expected):
        subject = gettext(english)
    assert subject != english
    assert mailoutbox[0].subject == subject


def test_a_refused_e_mail_fails_the_task(task_queue, client, focal_point_norway, monkeypatch):
    focal_point_norway.email = "nora@norway-mission.example"
    focal_point_norway.save()
    ask_for_reset(client, "nora@norway-mission.example")

    def refuse(self, fail_silently=False):
        raise ConnectionRefusedError("the mail server is down")

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)
    assert run_queued(task_queue) == ["failed: ConnectionRefusedError"]
