"""The page a sign-in locked out by django-axes gets."""

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import render
from django.utils import timezone


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
