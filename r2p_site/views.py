import sys

from django.contrib.auth.decorators import login_not_required
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponsePermanentRedirect, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from delegations.access import member_of

from .request_id import current_request_id
from .roles import is_secretariat


@require_safe
@login_not_required
def home(request):
    return render(request, "home.html")


@require_safe
@login_not_required
@never_cache
def healthz(request):
    """Liveness for the container healthcheck: the process answers and the database too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


@require_safe
@login_not_required
def favicon(request):
    # Resolved per request: the static files' manifest may not exist when URLs load.
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


@require_safe
def start(request):
    """Where signing in lands: the secretariat on its desk, a delegation on its
    assessments, anyone else on the home page."""
    if is_secretariat(request.user):
        return redirect("admin:index")
    if member_of(request.user) is not None:
        return redirect("assessments:home")
    return redirect("home")


# How long a client is asked to wait while the database is out of reach: a PostgreSQL
# restart takes seconds (docs/deployment.md).
DATABASE_RETRY_AFTER_SECONDS = 30


def server_error(request):
    """Django's 500, except while the database cannot be reached: then 503 with
    Retry-After, saying to try again shortly rather than that something broke. Rendered
    without the request's context, which would read the session from that database."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
        return response
    # The request's id lets a report of the error be found in the logs.
    return HttpResponseServerError(
        render_to_string("500.html", {"request_id": current_request_id()})
    )
