"""Password reset by e-mail, sent by the task worker.

The reset page answers alike, and in the same time, whether or not an account has the
address: the request only queues the address, whatever it is. The worker looks the
accounts up, makes each link (its token is never queued) and sends it. Which accounts
may reset is Django's rule (`PasswordResetForm.get_users`: active, with a usable
password, the address matching without regard to case).
"""

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from .language import chosen_language, is_site_language

SUBJECT_TEMPLATE = "registration/password_reset_subject.txt"
BODY_TEMPLATE = "registration/password_reset_email.txt"


def password_reset_request(*, email: str, language: str) -> None:
    """Queue the e-mail for `email`, known or not; `language` is the page's, for accounts
    that never chose one."""
    send_password_reset.enqueue(email, language)


@task()
def send_password_reset(email: str, language: str) -> int:
    """The worker's side: how many e-mails left (0 for an address no account has). A
    mail server that refuses fails the task, so that the queue shows it."""
    return password_reset_email_send(email=email, language=language)


def password_reset_email_send(*, email: str, language: str) -> int:
    sent = 0
    for user in PasswordResetForm().get_users(email):
        with translation.override(chosen_language(user) or _site_language(language)):
            _message(user).send()
        sent += 1
    return sent


def _site_language(language: str) -> str:
    return language if is_site_language(language) else settings.LANGUAGE_CODE


def _message(user) -> EmailMultiAlternatives:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)},
    )
    site_url = settings.SITE_URL.rstrip("/")
    context = {
        "user": user,
        "site_name": site_url.split("://", 1)[-1],
        "reset_url": site_url + path,
    }
    subject = " ".join(render_to_string(SUBJECT_TEMPLATE, context).split())
    body = render_to_string(BODY_TEMPLATE, context)
    return EmailMultiAlternatives(subject=subject, body=body, to=[user.email])
