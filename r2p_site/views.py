from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from delegations.access import member_of

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
