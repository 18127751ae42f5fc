"""Middleware of the sign-in: login required, session time limits, the second step."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import (
    LoginRequiredMiddleware as DjangoLoginRequiredMiddleware,
)
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from . import two_factor
from .language import chosen_language, set_language_cookie

# Session keys, all removed with the session at sign-out.
SIGNED_IN_AT = "accounts.signed_in_at"
LAST_ACTIVITY = "accounts.last_activity"
DEVICE_CHECK = "accounts.device_check"  # [user pk, has a device, must have one, checked at]

# How stale the stored activity time may get before a request rewrites it: writing it
# on every request would cost an UPDATE per autosave.
ACTIVITY_RESOLUTION = 60

# The pages someone who has passed the password but not the second step may open.
SECOND_STEP_VIEWS = {
    "accounts:two_factor_verify",
    "accounts:two_factor_enrol",
    "accounts:logout",
    "accounts:keep_alive",
    "set_language",
}


def is_background(request) -> bool:
    """An htmx or script request: a redirect to a page would be swallowed, not shown."""
    return (
        request.headers.get("HX-Request") == "true"
        or request.headers.get("X-Requested-With") == "XMLHttpRequest"
    )


def signed_out_response() -> HttpResponse:
    # The page's scripts read 401 as "the session has ended" and keep what was typed.
    return HttpResponse(status=401)


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Django's, answering 401 to background requests instead of a login redirect."""

    def handle_no_permission(self, request, view_func):
        if is_background(request):
            return signed_out_response()
        return super().handle_no_permission(request, view_func)


def session_touch(request, *, force: bool = False) -> None:
    """Record activity now, unless it was recorded less than a minute ago."""
    now = int(time.time())
    last = request.session.get(LAST_ACTIVITY)
    if force or last is None or now - last >= ACTIVITY_RESOLUTION:
        request.session[LAST_ACTIVITY] = now


class SessionActivityMiddleware:
    """Signs out a session idle for SESSION_IDLE_TIMEOUT or older than SESSION_COOKIE_AGE.

    Django's own expiry slides with every session save, so the absolute limit is
    checked here against the time of the first signed-in request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            signed_in_at = session.setdefault(SIGNED_IN_AT, now)
            last = session.get(LAST_ACTIVITY, now)
            if now - last > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                messages.info(
                    request, _("You were signed out after a period of inactivity. Sign in again.")
                )
            elif now - signed_in_at > settings.SESSION_COOKIE_AGE:
                logout(request)
                messages.info(
                    request, _("Your sign-in reached its maximum duration. Sign in again.")
                )
            else:
                session_touch(request)
        return self.get_response(request)


def second_step(request) -> str | None:
    """The second-step view this signed-in request must go through first, if any."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return None
    # Whether the user has a device, and must have one, is re-read at most once a minute,
    # not per request: a role given meanwhile (focal point) applies within that minute.
    now = int(time.time())
    check = request.session.get(DEVICE_CHECK)
    if not check or len(check) != 4 or check[0] != user.pk or now - check[3] >= ACTIVITY_RESOLUTION:
        has_device = two_factor.has_two_factor(user)
        check = [user.pk, has_device, not has_device and two_factor.is_required(user), now]
        request.session[DEVICE_CHECK] = check
    if check[1]:
        return "accounts:two_factor_verify"
    if check[2]:
        return "accounts:two_factor_enrol"
    return None


class TwoFactorMiddleware:
    """Keeps a session that passed the password only on the second-step pages.

    A user with a confirmed device must enter a code; staff and superusers without
    one must set one up. Until then every other page, the admin included, sends
    them there (and background requests get 401).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        step = second_step(request)
        if step is not None:
            try:
                view_name = resolve(request.path_info).view_name
            except Resolver404:
                view_name = None
            if view_name not in SECOND_STEP_VIEWS:
                if is_background(request):
                    return signed_out_response()
                next_url = request.get_full_path() if request.method == "GET" else ""
                query = "?" + urlencode({"next": next_url}) if next_url else ""
                return redirect(reverse(step) + query)
        return self.get_response(request)


class UserLanguageMiddleware:
    """A signed-in user's chosen language wins over the cookie and Accept-Language.

    After LocaleMiddleware, which has picked the language from those, and after the
    user is known. The cookie follows the account's choice, so the page after signing
    out stays in the same language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = chosen_language(request.user)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        # Read again: signing in or switching during this request changes it.
        language = chosen_language(request.user)
        if language and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            set_language_cookie(response, language)
        return response
