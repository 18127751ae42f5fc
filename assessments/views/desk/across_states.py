"""How every State answered one recommendation, or the recommendations of a theme: as a
page, or a CSV or XLSX file."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from catalogue.models import Recommendation, Theme, shown_in
from delegations.models import RegionalGroup

from ...selectors.across_states import cross_state_answers, cross_state_rows
from ...selectors.exports import export_header
from ...selectors.overview import SCOPES
from ...spreadsheets import table_csv_response, table_xlsx_response
from . import chosen_cycle, desk_page, require_review


def across_states(request, code=None, slug=None):
    """One recommendation (`code`) or a theme (`slug`), across States; `?format=csv|xlsx`
    downloads it."""
    require_review(request)
    cycles, cycle = chosen_cycle(request)
    scope = request.GET.get("scope", "submitted")
    group = request.GET.get("group", "")
    if scope not in SCOPES or group not in ("", *RegionalGroup.values):
        raise Http404
    recommendations = Recommendation.objects.for_member_states().with_catalogue()
    recommendations = recommendations.with_translations()
    if slug is not None:
        subject = get_object_or_404(Theme.objects.with_translations(), slug=slug)
        recommendations = list(recommendations.filter(theme_links__theme=subject))
    else:
        subject = get_object_or_404(recommendations, code=code)
        recommendations = [subject]
    # A theme by its name in the active language, a recommendation by its code.
    name = shown_in(subject, "name").text if slug is not None else str(subject)
    view = cross_state_answers(
        cycle=cycle, recommendations=recommendations, scope=scope, group=group
    )
    export = request.GET.get("format")
    if export in ("csv", "xlsx"):
        name = f"R2P-{slug or code}-{cycle.code}-{scope}{'-' + group if group else ''}"
        rows, filename = cross_state_rows(view), f"{name}.{export}"
        if export == "csv":
            return table_csv_response(export_header(), rows, filename)
        return table_xlsx_response(export_header(), rows, filename, about=view.about(name))
    query = request.GET.copy()
    query.pop("format", None)
    return desk_page(
        request,
        "admin/assessments/assessment/cross_state.html",
        {
            "subject": subject,
            "theme": subject if slug is not None else None,
            "view": view,
            "cycles": cycles,
            "groups": RegionalGroup.choices,
            "query": query.urlencode(),
        },
        title=_("Across States: %(subject)s") % {"subject": name},
    )
