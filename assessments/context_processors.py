from django.contrib.auth.models import AnonymousUser
from django.utils.functional import SimpleLazyObject

from .access import member_of


def delegation(request):
    """The user's delegation for the navigation, by the same rule as every access check
    (a staff account is never a delegate); read only if a template asks.

    A request refused before authentication ran (an error page for a Host not in
    ALLOWED_HOSTS) has no user: it has no delegation either."""
    return {
        "delegation": SimpleLazyObject(
            lambda: member_of(getattr(request, "user", None) or AnonymousUser())
        )
    }
