import unicodedata
from collections import defaultdict
from typing import NamedTuple

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.forms import BoundField
from django.shortcuts import get_object_or_404, render
from django.utils.text import Truncator
from django.views.decorators.http import require_safe

from .forms import RecommendationFilterForm
from .models import Recommendation, Report, Section, Target, Theme
from .search import search_recommendations
from .themes import recommendation_siblings, themes_with_recommendations

RECOMMENDATIONS_PER_PAGE = 50
# A report's year and title in the filter's list, cut to fit (titles run to 119 characters).
YEAR_LABEL_LENGTH = 70


class SelectOption(NamedTuple):
    value: str
    label: str
    selected: bool


@require_safe
@login_not_required
def report_list(request):
    reports = list(Report.objects.with_translations())
    targets = list(Target.objects.all())
    counts = defaultdict(dict)
    for row in Section.objects.values("report_id", "target_id").annotate(
        count=Count("recommendations")
    ):
        counts[row["report_id"]][row["target_id"]] = row["count"]
    rows = [
        {
            "report": report,
            "counts": [counts[report.pk].get(target.pk, 0) for target in targets],
            "total": sum(counts[report.pk].values()),
        }
        for report in reports
    ]
    totals = [sum(row["counts"][i] for row in rows) for i in range(len(targets))]
    return render(
        request,
        "catalogue/report_list.html",
        {"rows": rows, "targets": targets, "totals": totals, "grand_total": sum(totals)},
    )


@require_safe
@login_not_required
def report_detail(request, year: int):
    report = get_object_or_404(Report.objects.with_translations(), year=year)
    sections = report.sections.select_related("target").prefetch_related(
        Prefetch(
            "recommendations",
            queryset=Recommendation.objects.with_translations()
            .order_by("position")
            .prefetch_related(Prefetch("themes", queryset=Theme.objects.with_translations())),
        )
    )
    return render(request, "catalogue/report_detail.html", {"report": report, "sections": sections})


@require_safe
@login_not_required
def recommendation_list(request):
    reports = list(Report.objects.all())
    targets = list(Target.objects.all())
    form = RecommendationFilterForm(request.GET or None, reports=reports, targets=targets)
    recommendations = Recommendation.objects.with_translations()
    terms, result = [], None
    if form.is_valid():
        if form.cleaned_data["year"]:
            recommendations = recommendations.filter(
                section__report__year=form.cleaned_data["year"]
            )
        if form.cleaned_data["target"]:
            recommendations = recommendations.for_target(form.cleaned_data["target"])
        if form.cleaned_data["q"]:
            result = search_recommendations(
                form.cleaned_data["q"],
                recommendations,
                target_codes={target.code for target in targets},
                years={report.year for report in reports},
            )
            recommendations, terms = result.recommendations, result.terms
    elif form.is_bound:
        recommendations = recommendations.none()

    page = Paginator(recommendations, RECOMMENDATIONS_PER_PAGE).get_page(request.GET.get("page"))
    # On the page's rows only: the count needs none of the joins they bring.
    page.object_list = page.object_list.with_report_year_and_target_name()
    suggestions = result.suggestions() if result and not page.object_list else []
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "catalogue/recommendation_list.html",
        {
            "form": form,
            "year_options": select_options(form["year"], max_length=YEAR_LABEL_LENGTH),
            "target_options": select_options(form["target"]),
            "page": page,
            "terms": terms,
            "search": result,
            "suggestions": suggestions,
            "query_string": query.urlencode(),
        },
    )


def select_options(field: BoundField, *, max_length: int | None = None) -> list[SelectOption]:
    """A filter's choices as plain values for the template's hand-written <select>, each
    label cut to `max_length` characters as `truncatechars` cuts it: read through the
    bound field and the template's filters, an option took ~20 µs to render."""
    selected = str(field.value())
    options = []
    for value, label in field.field.choices:
        if max_length is not None:
            label = unicodedata.normalize("NFC", str(label))  # as Truncator reads it
            if len(label) > max_length:
                # Only then: Truncator reads each character, in Python (~10 µs a label).
                label = Truncator(label).chars(max_length)
        options.append(SelectOption(str(value), label, str(value) == selected))
    return options


@require_safe
@login_not_required
def recommendation_detail(request, code: str):
    """One recommendation with its themes and, in each, the same action asked in other reports."""
    recommendation = get_object_or_404(
        Recommendation.objects.with_catalogue()
        .with_translations()
        .with_translations(through="section__report__"),
        code=code,
    )
    return render(
        request,
        "catalogue/recommendation_detail.html",
        {
            "recommendation": recommendation,
            "themes": recommendation_siblings(recommendation),
        },
    )


@require_safe
@login_not_required
def theme_list(request):
    return render(request, "catalogue/theme_list.html", {"themes": themes_with_recommendations()})


@require_safe
@login_not_required
def theme_detail(request, slug: str):
    """A theme's recommendations in order across the years, each with its link's reason."""
    theme = get_object_or_404(Theme.objects.with_translations(), slug=slug)
    links = theme.links.select_related(
        "recommendation__section__report", "recommendation__section__target"
    ).with_translations(through="recommendation__")
    return render(request, "catalogue/theme_detail.html", {"theme": theme, "links": links})
