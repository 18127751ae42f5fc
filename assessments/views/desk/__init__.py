"""The secretariat's desk: pages of the admin site that are not a model's list or form
(the review page, the overview, the chasing desk, the views across States, the export
downloads). The ModelAdmins only point at them (`assessments/admin.py`, `get_urls`)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from ...models import Assessment, Cycle


def require_review(request) -> None:
    """The desk's pages are the secretariat's: other staff get 403."""
    if not request.user.has_perm("assessments.review_assessment"):
        raise PermissionDenied


def chosen_cycle(request) -> tuple[list[Cycle], Cycle]:
    """The cycles to choose from, and the one asked for (the latest by default)."""
    cycles = list(Cycle.objects.order_by("-deadline"))
    if not cycles:
        raise Http404
    code = request.GET.get("cycle") or cycles[0].code
    cycle = next((item for item in cycles if item.code == code), None)
    if cycle is None:
        raise Http404
    return cycles, cycle


def desk_page(request, template: str, context: dict, *, title: str):
    """A page of the admin site: its navigation, its language switcher, its title."""
    return render(
        request,
        template,
        {
            **admin.site.each_context(request),
            **context,
            "opts": Assessment._meta,
            "title": title,
        },
    )
