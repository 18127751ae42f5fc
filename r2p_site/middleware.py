"""Site-wide response headers and request checks made before any view reads the request."""

from functools import wraps

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

# Browser features the site never uses, denied to it and to anything it might embed.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "bluetooth",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response; no caching of what a signed-in user sees.

    Place it above WhiteNoise so that static files get the Permissions-Policy too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        # Pages of a signed-in user hold a State's unsubmitted answers: no shared proxy
        # or browser back-forward store may keep them. A view's own choice stands.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response.setdefault("Cache-Control", "private, no-store")
        return response


def max_body(limit: int | str):
    """Let the decorated view accept a request body of up to `limit` bytes, or up to the
    value of the setting named `limit` (read per request, so tests can change it)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            return view(*args, **kwargs)

        wrapped.max_body = limit
        return wrapped

    return decorator


def body_limit(view) -> int:
    limit = getattr(view, "max_body", "REQUEST_MAX_BYTES")
    return getattr(settings, limit) if isinstance(limit, str) else limit


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class RequestChecksMiddleware:
    """Refuse requests no view can handle, before anything reads their body or query.

    Its process_view must run before CsrfViewMiddleware's, which reads request.POST:
    place it above CsrfViewMiddleware. Bodies are judged by their Content-Length (the
    proxy buffers every body and sends one, docs/deployment.md).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, view_args, view_kwargs):
        query = request.META.get("QUERY_STRING", "")
        # A NUL reaches a database filter from any GET form (admin filters and search,
        # the catalogue search) and PostgreSQL refuses it with an error, a 500.
        if "%00" in query or "\x00" in query:
            return render(
                request,
                "400.html",
                {"message": _("The address contains a null character, which no page accepts.")},
                status=400,
            )
        limit = body_limit(view)
        if _content_length(request) > limit:
            return request_too_large(request, limit)
        return None


def request_too_large(request, limit: int) -> HttpResponse:
    if request.headers.get("HX-Request"):
        # htmx shows nothing of an error answer itself; autosave.js reports the failed
        # save next to the answer, and this text is there for any other caller.
        return HttpResponse(
            _("Too much data sent: nothing has been saved."),
            status=413,
            content_type="text/plain; charset=utf-8",
        )
    return render(request, "413.html", {"limit": limit}, status=413)
