import logging

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .health import health_report

logger = logging.getLogger(__name__)


@require_safe
@login_not_required
@never_cache
def ready(request):
    """Whether the site can do its work, for a monitor: 200 when every check passes, 503
    when one fails or a threshold is crossed, with the figures as JSON (docs/deployment.md).
    /healthz stays the cheap liveness check of the container."""
    report = health_report()
    if report["ok"]:
        return JsonResponse(report)
    response = JsonResponse(report, status=503)
    failing = [name for name, check in report["checks"].items() if not check["ok"]]
    logger.warning("Not ready: %s", ", ".join(failing))
    # Django would log this 503 as a server error, mailed to the admins and sent to
    # Sentry at every poll of the monitor: it is an answer, and the warning above says it.
    response._has_been_logged = True
    return response
