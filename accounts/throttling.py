"""The client address that sign-in throttling counts failures against."""

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import render
from django.utils import timezone


def client_ip(request: HttpRequest) -> str:
    """The address of the client, trusting only the proxies the deployment declares.

    Each trusted proxy appends the address it received the request from to
    X-Forwarded-For, so with N trusted proxies the client is the N-th address from
    the right. Anything further left was written by the client and could be forged
    to dodge the lockout; with no trusted proxy the header is ignored.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            address.strip()
            for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if address.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """The page a locked-out sign-in gets: when to try again, and what else to do."""
    cooloff = settings.AXES_COOLOFF_TIME
    context = {
        "minutes": int(cooloff.total_seconds() // 60),
        # Each attempt during the lockout starts the cool-off again
        # (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT), so it ends this long from now.
        "until": timezone.now() + cooloff,
    }
    return render(request, "accounts/locked_out.html", context, status=429)
