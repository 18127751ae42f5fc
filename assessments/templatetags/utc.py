from django import template

from ..models import utc_display

register = template.Library()


@register.filter
def utc(moment):
    """A date and time in UTC, the zone named: "25 June 2025, 23:59 UTC"."""
    return utc_display(moment) if moment else ""
