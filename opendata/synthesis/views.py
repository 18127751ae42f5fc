"""The synthesis pages: the public one (published submissions only) and the
secretariat's (every accepted submission), their CSV and JSON, the synthesis report
PDFs and the secretariat's request for one. Parse, call, render."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from assessments.downloads import private_download
from assessments.models import Cycle
from r2p_site.roles import is_secretariat

from ..models import SynthesisDocument
from ..public.caching import revalidated
from .documents import synthesis_context
from .exports import synthesis_csv_response, synthesis_json_response
from .forms import SynthesisRequestForm
from .selectors import (
    counted_ids,
    cycle_synthesis,
    desk_documents,
    public_document,
    public_documents,
)
from .services import AlreadyRequested, synthesis_document_request

Audience = SynthesisDocument.Audience


def chosen_cycle(request) -> tuple[list[Cycle], Cycle | None]:
    """The cycles to choose from, and the one asked for (the latest by default; None if
    there is none yet). An unknown cycle is a 404."""
    cycles = list(Cycle.objects.with_translations().order_by("-deadline"))
    code = request.GET.get("cycle")
    if not code:
        return cycles, (cycles[0] if cycles else None)
    cycle = next((item for item in cycles if item.code == code), None)
    if cycle is None:
        raise Http404
    return cycles, cycle


def _cycle(code: str) -> Cycle:
    return get_object_or_404(Cycle.objects.with_translations(), code=code)


# The public synthesis.


@require_safe
@login_not_required
@revalidated
def synthesis(request):
    cycles, cycle = chosen_cycle(request)
    context = {"cycles": cycles, "cycle": cycle, "link_recommendations": True}
    if cycle is not None:
        figures = cycle_synthesis(cycle, Audience.PUBLIC)
        context |= synthesis_context(cycle, figures)
        context["documents"] = public_documents(cycle, figures.submissions)
    return render(request, "opendata/synthesis/synthesis.html", context)


@require_safe
@login_not_required
@revalidated
def synthesis_csv(request, code: str):
    cycle = _cycle(code)
    return synthesis_csv_response(cycle, cycle_synthesis(cycle, Audience.PUBLIC))


@require_safe
@login_not_required
@revalidated
def synthesis_json(request, code: str):
    cycle = _cycle(code)
    return synthesis_json_response(cycle, cycle_synthesis(cycle, Audience.PUBLIC))


@require_safe
@login_not_required
@revalidated
def synthesis_pdf(request, code: str, language: str):
    if language not in dict(settings.LANGUAGES):
        raise Http404
    document = public_document(_cycle(code), language)
    if document is None:
        raise Http404
    return private_download(
        document.pdf, filename=document.filename(), content_type="application/pdf"
    )


# The secretariat's synthesis: a page of the admin site.


def require_secretariat(request) -> None:
    """Secretariat staff only, as on the review desk; other staff and delegations get 403."""
    if not is_secretariat(request.user):
        raise PermissionDenied


def _desk_url(cycle: Cycle) -> str:
    return reverse("opendata:synthesis_desk") + "?" + urlencode({"cycle": cycle.code})


@never_cache
@require_safe
def desk(request):
    require_secretariat(request)
    cycles, cycle = chosen_cycle(request)
    form = SynthesisRequestForm(
        initial={"cycle": cycle.code if cycle else "", "language": get_language()}
    )
    return _desk_page(request, cycles, cycle, form)


def _desk_page(request, cycles, cycle, form, *, status: int = 200):
    context = {
        **admin.site.each_context(request),
        "title": _("Synthesis for the debate"),
        "cycles": cycles,
        "cycle": cycle,
        "form": form,
        "link_recommendations": True,
    }
    if cycle is not None:
        figures = cycle_synthesis(cycle, Audience.SECRETARIAT)
        context |= synthesis_context(cycle, figures)
        context["documents"] = desk_documents(
            cycle,
            {
                Audience.SECRETARIAT: figures.submissions,
                Audience.PUBLIC: counted_ids(cycle, Audience.PUBLIC),
            },
        )
    return render(request, "opendata/synthesis/desk.html", context, status=status)


@never_cache
@require_safe
def desk_csv(request, code: str):
    require_secretariat(request)
    cycle = _cycle(code)
    return synthesis_csv_response(cycle, cycle_synthesis(cycle, Audience.SECRETARIAT))


@never_cache
@require_safe
def desk_json(request, code: str):
    require_secretariat(request)
    cycle = _cycle(code)
    return synthesis_json_response(cycle, cycle_synthesis(cycle, Audience.SECRETARIAT))


@never_cache
@require_POST
def desk_request(request):
    require_secretariat(request)
    form = SynthesisRequestForm(request.POST)
    if not form.is_valid():
        cycles, cycle = chosen_cycle(request)
        cycle = form.cleaned_data.get("cycle") or cycle
        return _desk_page(request, cycles, cycle, form, status=400)
    cycle = form.cleaned_data["cycle"]
    try:
        synthesis_document_request(
            cycle=cycle,
            language=form.cleaned_data["language"],
            audience=form.cleaned_data["audience"],
            requested_by=request.user,
        )
    except AlreadyRequested as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("The synthesis report is being prepared; it will be listed here when it is ready."),
        )
    return redirect(_desk_url(cycle))


@never_cache
@require_safe
def desk_document(request, pk: int):
    require_secretariat(request)
    document = get_object_or_404(
        SynthesisDocument.objects.select_related("cycle").exclude(pdf=""), pk=pk
    )
    return private_download(
        document.pdf, filename=document.filename(), content_type="application/pdf"
    )
