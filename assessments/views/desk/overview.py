"""The global overview of a cycle: States submitted, implementation by report, regional
group and recommendation, with charts; as a page and as a PDF."""

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _

from catalogue.models import Theme

from ...documents.pdf import render_pdf
from ...selectors.overview import SCOPES, cycle_overview
from . import chosen_cycle, desk_page, require_review


def _overview_context(request) -> dict:
    require_review(request)
    cycles, cycle = chosen_cycle(request)
    scope = request.GET.get("scope", "submitted")
    if scope not in SCOPES:
        raise Http404
    return {**cycle_overview(cycle, scope), "cycles": cycles}


def overview(request):
    return desk_page(
        request,
        "admin/assessments/assessment/overview.html",
        {
            **_overview_context(request),
            # Each recommendation and theme leads to how every State answered it.
            "link_across_states": True,
            "themes": Theme.objects.with_translations(),
        },
        title=_("Global overview"),
    )


def overview_pdf(request):
    context = _overview_context(request)
    pdf = render_pdf("assessments/pdf/overview.html", context)
    result = HttpResponse(pdf, content_type="application/pdf")
    result["Content-Disposition"] = (
        f'attachment; filename="R2P-overview-{context["cycle"].code}-{context["scope"]}.pdf"'
    )
    return result
