import time

from django.conf import settings

from .middleware import LAST_ACTIVITY


def session_timing(request):
    """What the session warning script needs: the inactivity limit and what is left of it."""
    idle = settings.SESSION_IDLE_TIMEOUT
    if not request.user.is_authenticated:
        return {"session_idle_seconds": idle}
    # The stored time may be up to a minute old (accounts.middleware.session_touch).
    last = request.session.get(LAST_ACTIVITY, int(time.time()))
    return {
        "session_idle_seconds": idle,
        "session_idle_left_seconds": max(idle - (int(time.time()) - last), 0),
    }
