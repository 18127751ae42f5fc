"""Account pages: the second sign-in step, two-factor settings, keeping a session alive."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils import translation
from django.utils.formats import time_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from . import two_factor
from .forms import CodeForm
from .language import is_site_language, user_language_set
from .middleware import DEVICE_CHECK, session_touch
from .password_reset import password_reset_request

ENROL_KEY = "accounts.totp_enrol_key"


def _next_url(request) -> str:
    """The page to continue to after a step; only an address on this site."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def _verified(request, device) -> None:
    otp_login(request, device)
    # The session is worth more now than after the password alone: give it a new key.
    request.session.cycle_key()


def _check_code(request, form: CodeForm):
    """The device that accepted the form's code, or None with the error on the form."""
    check = two_factor.code_check(user=request.user, code=form.cleaned_data["code"])
    if check.locked_until is not None:
        form.add_error(
            "code",
            _("Too many wrong codes. Wait until %(time)s, then try again.")
            % {"time": time_format(localtime(check.locked_until), "H:i:s")},
        )
    elif check.device is None:
        form.add_error("code", _("This code is not valid. Check it and try again."))
    return check.device


@never_cache
@sensitive_post_parameters("code")
def two_factor_verify(request):
    """The second sign-in step: a code from the authenticator app or a recovery code."""
    next_url = _next_url(request)
    if request.user.is_verified() or not two_factor.has_two_factor(request.user):
        return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = _check_code(request, form)
        if device is not None:
            _verified(request, device)
            return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url})


@never_cache
@sensitive_post_parameters("code")
def two_factor_enrol(request):
    """Set up an authenticator app: scan or type the key, then confirm one code."""
    if two_factor.has_two_factor(request.user):
        return redirect("accounts:two_factor")
    key = request.session.get(ENROL_KEY)
    if key is None:
        key = request.session[ENROL_KEY] = two_factor.new_totp_key()
    next_url = _next_url(request)
    form = CodeForm(
        request.POST or None,
        help_text=_("The six-digit code your authenticator app shows for this account."),
    )
    if request.method == "POST" and form.is_valid():
        device = two_factor.totp_device_confirm(
            user=request.user, key=key, code=form.cleaned_data["code"]
        )
        if device is None:
            form.add_error(
                "code",
                _("This code does not match. Check the clock of your phone and try again."),
            )
        else:
            codes = two_factor.recovery_codes_generate(user=request.user)
            del request.session[ENROL_KEY]
            _verified(request, device)
            messages.success(request, _("Two-factor sign-in is on."))
            return _new_recovery_codes(request, codes, next_url)
    context = {
        "form": form,
        "next": next_url,
        "required": two_factor.is_required(request.user),
        "qr_svg": two_factor.totp_qr_svg(
            user=request.user,
            key=key,
            title=_("QR code of the key for your authenticator app"),
        ),
        "typed_key": two_factor.totp_key_for_typing(key),
    }
    return render(request, "accounts/two_factor_enrol.html", context)


@never_cache
def two_factor_settings(request):
    enabled = two_factor.has_two_factor(request.user)
    context = {
        "enabled": enabled,
        "required": two_factor.is_required(request.user),
        "codes_left": two_factor.recovery_codes_left(request.user) if enabled else 0,
        "form": CodeForm(),
    }
    return render(request, "accounts/two_factor.html", context)


def _new_recovery_codes(request, codes: list[str], next_url: str):
    """The codes just made, in the answer to the request that made them: they are kept
    nowhere (the session included), so this page is the only time they are shown."""
    context = {"codes": codes, "next": resolve_url(next_url or "accounts:two_factor")}
    return render(request, "accounts/recovery_codes.html", context)


@never_cache
@sensitive_post_parameters("code")
def recovery_codes(request):
    """How many recovery codes are left; POST with a current code makes new ones.

    The code is asked as for turning two-factor off: a session left open, or stolen,
    cannot swap the codes for ones its holder knows."""
    if not two_factor.has_two_factor(request.user):
        return redirect("accounts:two_factor")
    next_url = _next_url(request)
    form = CodeForm(
        request.POST or None,
        help_text=_("A code from your authenticator app, or one of your recovery codes."),
    )
    if request.method == "POST" and form.is_valid() and _check_code(request, form) is not None:
        codes = two_factor.recovery_codes_generate(user=request.user)
        messages.success(request, _("New recovery codes made. The old ones no longer work."))
        return _new_recovery_codes(request, codes, next_url)
    context = {
        "form": form,
        "codes_left": two_factor.recovery_codes_left(request.user),
        "next": next_url,
    }
    status = 400 if form.is_bound else 200
    return render(request, "accounts/recovery_codes.html", context, status=status)


@require_POST
@sensitive_post_parameters("code")
def two_factor_disable(request):
    """Turn two-factor sign-in off; asks for a current code, as a stolen session could not."""
    form = CodeForm(request.POST)
    if form.is_valid() and _check_code(request, form) is not None:
        two_factor.two_factor_disable(user=request.user)
        request.session.pop(DEVICE_CHECK, None)
        messages.success(request, _("Two-factor sign-in is off."))
        return redirect("accounts:two_factor")
    context = {
        "enabled": True,
        "required": two_factor.is_required(request.user),
        "codes_left": two_factor.recovery_codes_left(request.user),
        "form": form,
    }
    return render(request, "accounts/two_factor.html", context, status=400)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset page, whose e-mail the task worker sends: the request queues the
    address whether or not an account has it, so both answer in the same time."""

    def form_valid(self, form):
        password_reset_request(
            email=form.cleaned_data["email"], language=translation.get_language() or ""
        )
        return redirect(self.get_success_url())


@require_POST
def keep_alive(request):
    """The "Stay signed in" button: counts as activity, so the idle clock starts again."""
    session_touch(request, force=True)
    return HttpResponse(status=204)


@login_not_required
@require_POST
def set_language(request):
    """The language switcher: Django's set_language (the cookie, back to the page), and
    for a signed-in user the choice remembered on the account."""
    language = request.POST.get(i18n.LANGUAGE_QUERY_PARAMETER, "")
    if request.user.is_authenticated and is_site_language(language):
        user_language_set(user=request.user, language=language)
    return i18n.set_language(request)
