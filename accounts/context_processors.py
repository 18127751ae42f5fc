import time

from django.conf import settings

from .middleware import LAST_ACTIVITY


def session_timing(request):
    """What the session warning script needs: the inactivity limit and what is left of it.

    An error page can be rendered for a request the middlewares never reached (a Host
    not in ALLOWED_HOSTS is refused before the session and the user are read): such a
    request has neither, and gets the anonymous answer instead of a second error.
    """
    idle = settings.SESSION_IDLE_TIMEOUT
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    if user is None or session is None or not user.is_authenticated:
        return {"session_idle_seconds": idle}
    # The stored time may be up to a minute old (accounts.middleware.session_touch).
    last = session.get(LAST_ACTIVITY, int(time.time()))
    return {
        "session_idle_seconds": idle,
        "session_idle_left_seconds": max(idle - (int(time.time()) - last), 0),
    }
