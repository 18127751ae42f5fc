from django.utils.functional import SimpleLazyObject

from .access import member_of


def delegation(request):
    """The user's delegation for the navigation, by the same rule as every access check
    (a staff account is never a delegate); read only if a template asks."""
    return {"delegation": SimpleLazyObject(lambda: member_of(request.user))}
