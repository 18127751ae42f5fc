"""How long a browser or a shared cache may keep a public page of published assessments
or of the synthesis: not at all without asking the site first.

Their addresses stay the same while what they show changes: a State withdraws its
publication (its page answers 410, its answers leave the synthesis), or publishes a
later version. Anonymous visitors get `Cache-Control: no-cache`: a cache may keep the
page but must ask the site before each use (a full request: these pages carry no
validator), so a withdrawal shows at once everywhere. `private, max-age=0,
must-revalidate` would come to the same for a browser; `private` would only keep shared
caches from storing what is public anyway, and `no-cache` is what the API sends for the
same published assessments (opendata/api/published.py), so the page and its JSON never
disagree for long.

A signed-in user's page carries their name and menu: `private, no-store`, as the
site-wide middleware gives every signed-in page. A response that chose its own (a
download: `private, no-store`, assessments/downloads.py) keeps it.
"""

from functools import wraps

from django.http import HttpRequest, HttpResponse

ANONYMOUS = "no-cache"
SIGNED_IN = "private, no-store"


def revalidated(view):
    """Mark the view's answers as above. An Http404 raised by the view is answered by
    the site's 404 handler, outside it, and carries no Cache-Control."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if "Cache-Control" not in response:
            response["Cache-Control"] = SIGNED_IN if request.user.is_authenticated else ANONYMOUS
        return response

    return wrapped
