"""Site-wide response headers and request checks made before any view reads the request."""

from functools import wraps

from django.conf import settings
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .throttle import Throttled, client_ip, count_request, too_many_requests

# Browser features the site never uses, denied to it and to anything it might embed. Only
# features browsers recognise: an unknown one ("bluetooth") is a console warning on every
# page (tests/browser/test_walk.py reads the console).
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
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


def _marked(attribute: str, value):
    """A decorator that marks a view for RequestChecksMiddleware, which reads the mark
    before the view (or anything else) reads the request."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            return view(*args, **kwargs)

        setattr(wrapped, attribute, value)
        return wrapped

    return decorator


def max_body(limit: int | str):
    """Let the decorated view accept a request body of up to `limit` bytes, or up to the
    value of the setting named `limit` (read per request, so tests can change it)."""
    return _marked("max_body", limit)


def post_rate_limit(name: str, setting: str, *, period: int):
    """Let each client address POST to the decorated view at most the value of the
    setting named `setting` times per `period` seconds.

    Counted by RequestChecksMiddleware before the body is read, so that a throttled
    client no longer makes the server receive and parse what it sends.
    """
    return _marked("post_rate_limit", (name, setting, period))


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
        # the catalogue search) or from the path (a code in a URL), and PostgreSQL
        # refuses it with an error, a 500.
        if "%00" in query or "\x00" in query or "\x00" in request.path_info:
            return bad_request(
                request, _("The address contains a null character, which no page accepts.")
            )
        limit = body_limit(view)
        if _content_length(request) > limit:
            return request_too_large(request, limit)
        if request.method == "POST" and hasattr(view, "model_admin"):
            refusal = _admin_selection_refusal(request, view.model_admin)
            if refusal:
                return bad_request(request, refusal)
        rate = getattr(view, "post_rate_limit", None)
        if rate and request.method == "POST":
            name, setting, period = rate
            try:
                count_request(
                    f"{name}:{client_ip(request)}", limit=getattr(settings, setting), period=period
                )
            except Throttled as throttled:
                return too_many_requests(request, throttled)
        return None


def _admin_selection_refusal(request, model_admin) -> str:
    """Why the rows an admin action was posted for cannot be rows ("" if they can).

    The stock admin filters by the posted keys as they come: a key its field cannot
    read ("abc", a NUL, "²") is a database error there, a 500.
    """
    pk = model_admin.model._meta.pk
    for value in request.POST.getlist(ACTION_CHECKBOX_NAME):
        try:
            readable = pk.to_python(value) is not None and "\x00" not in value
        except ValidationError:
            readable = False
        if not readable:
            return _("The selection is not one of the rows of this list.")
    return ""


def bad_request(request, message: str) -> HttpResponse:
    # The API's clients read JSON, as every other answer of the API is (opendata/urls.py).
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400)
    return render(request, "400.html", {"message": message}, status=400)


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
