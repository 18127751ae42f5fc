from collections import defaultdict

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from .forms import RecommendationFilterForm
from .models import Recommendation, Report, Section, Target

RECOMMENDATIONS_PER_PAGE = 50


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
            queryset=Recommendation.objects.with_translations().order_by("position"),
        )
    )
    return render(request, "catalogue/report_detail.html", {"report": report, "sections": sections})


@require_safe
@login_not_required
def recommendation_list(request):
    reports = list(Report.objects.all())
    targets = list(Target.objects.all())
    form = RecommendationFilterForm(request.GET or None, reports=reports, targets=targets)
    recommendations = Recommendation.objects.with_catalogue().with_translations()
    terms = []
    if form.is_valid():
        if form.cleaned_data["year"]:
            recommendations = recommendations.filter(
                section__report__year=form.cleaned_data["year"]
            )
        if form.cleaned_data["target"]:
            recommendations = recommendations.for_target(form.cleaned_data["target"])
        terms = form.search_terms()
        for term in terms:
            recommendations = recommendations.filter(Q(text__icontains=term) | Q(code__iexact=term))
    elif form.is_bound:
        recommendations = recommendations.none()

    page = Paginator(recommendations, RECOMMENDATIONS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "catalogue/recommendation_list.html",
        {
            "form": form,
            "page": page,
            "terms": terms,
            "query_string": query.urlencode(),
        },
    )
