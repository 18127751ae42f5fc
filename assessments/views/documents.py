"""The country report as PDF: submitted versions, the draft preview, and verification."""

from django.contrib.auth.decorators import login_not_required
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from ..access import get_assessment_for_user, get_submission_for_user
from ..forms import VerifyForm
from ..models import Submission
from ..services import PDF_RETRY_AFTER, PdfNotReady, submission_store_pdf
from ..snapshot import build_snapshot


def _pdf_response(content, filename: str) -> HttpResponse:
    result = FileResponse(content, as_attachment=True, filename=filename)
    result["Content-Type"] = "application/pdf"
    result["Cache-Control"] = "private, no-store"
    return result


@require_safe
def submission_pdf(request, pk: int, number: int):
    try:
        submission = submission_store_pdf(get_submission_for_user(request, pk, number))
    except PdfNotReady as not_ready:
        result = render(
            request,
            "assessments/pdf_not_ready.html",
            {"submission": not_ready.submission, "assessment": not_ready.submission.assessment},
            status=503,
        )
        result["Retry-After"] = str(int(PDF_RETRY_AFTER.total_seconds()))
        return result
    try:
        handle = submission.pdf.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return _pdf_response(handle, submission.pdf_filename())


@require_safe
def assessment_preview_pdf(request, pk: int):
    """The live answers as a PDF watermarked as a draft; nothing is stored."""
    assessment = get_assessment_for_user(request, pk)
    snapshot = build_snapshot(
        assessment=assessment,
        submitted_by=request.user,
        submitted_at=timezone.now(),
        number=assessment.submissions.count() + 1,
    )
    from ..pdf import render_country_report  # WeasyPrint costs every process 0.3 s to import

    pdf = render_country_report(snapshot, draft=True)
    filename = f"R2P-{assessment.member_state.iso3}-{assessment.cycle.code}-draft.pdf"
    return _pdf_response(ContentFile(pdf), filename)


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request):
    """Anyone holding a country report can check it: the fingerprint names the submission."""
    form = VerifyForm(request.POST, request.FILES) if request.method == "POST" else VerifyForm()
    checked = match = None
    if request.method == "POST" and form.is_valid():
        checked = form.fingerprint()
        match = (
            Submission.objects.select_related("assessment__member_state", "assessment__cycle")
            .filter(pdf_sha256=checked)
            .first()
        )
    return render(
        request,
        "assessments/verify.html",
        {"form": form, "checked": checked, "match": match},
        status=400 if form.errors else 200,
    )
