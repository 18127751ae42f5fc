"""The country report as PDF: submitted versions, the draft preview, and verification."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.files.base import ContentFile
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from r2p_site.middleware import max_body, post_rate_limit
from r2p_site.throttle import (
    Throttled,
    count_request,
    one_at_a_time,
    one_of,
    too_many_requests,
)

from ..access import get_assessment_for_user, get_submission_for_user
from ..documents.pdf import OfficialReport, render_country_report
from ..documents.snapshot import build_snapshot
from ..documents.verification import submission_standing
from ..downloads import private_download
from ..forms import ReportLanguageForm, VerifyForm
from ..models import Submission
from ..services.reports import PDF_RETRY_AFTER, submission_pdf_retry

# How soon a page waiting for a PDF that is being rendered suggests asking again.
PDF_PENDING_RETRY_AFTER = 15


@require_safe
def submission_pdf(request, pk: int, number: int):
    """The stored PDF; while it does not exist, a page saying it is being prepared.

    Nothing is rendered here: a worker renders it after the submission, and a download
    of a missing PDF queues a retry when the last attempt failed or died long enough ago.
    """
    submission = get_submission_for_user(request, pk, number)
    if not submission.pdf:
        return _pdf_not_ready(request, submission)
    return private_download(
        submission.pdf, filename=submission.pdf_filename(), content_type="application/pdf"
    )


def _pdf_not_ready(request, submission: Submission):
    """The page for a stored PDF that does not exist yet; queues a retry if one is due."""
    submission_pdf_retry(submission)
    failed = bool(submission.pdf_error)
    result = render(
        request,
        "assessments/pdf_not_ready.html",
        {"submission": submission, "assessment": submission.assessment, "failed": failed},
        # 202: accepted and being worked on; 503: the last attempt failed, a retry
        # is queued.
        status=503 if failed else 202,
    )
    retry_after = PDF_RETRY_AFTER.total_seconds() if failed else PDF_PENDING_RETRY_AFTER
    result["Retry-After"] = str(int(retry_after))
    return result


@require_safe
def submission_translated_pdf(request, pk: int, number: int):
    """A submission's country report with its labels in another language, for any
    member of the State's delegation and for the secretariat: rendered from the
    submission's snapshot, never stored, and saying on its cover and every page which
    official PDF it translates and how to verify that.

    Rendered here, like the draft preview, under the same brakes: it is an occasional
    download of one report by one reader, which a queued task would only make wait
    (and would have to store somewhere and clean up), for the same seconds of work.
    """
    submission = get_submission_for_user(request, pk, number)
    form = ReportLanguageForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("Choose one of the languages offered."))
        return redirect("assessments:submission_detail", pk, number)
    language = form.cleaned_data["language"]
    official = submission.snapshot.get("language") or settings.LANGUAGE_CODE
    if language == official:
        return redirect("assessments:submission_pdf", pk, number)
    if not submission.pdf:  # its fingerprint is what the translation points to
        return _pdf_not_ready(request, submission)
    translating = OfficialReport(
        number=submission.number,
        language=official,
        sha256=submission.pdf_sha256,
        verify_url=settings.SITE_URL + reverse("assessments:verify"),
    )
    return _rendered_download(
        request,
        lambda: render_country_report(
            submission.snapshot, language=language, translating=translating
        ),
        filename=f"{submission.pdf_filename().removesuffix('.pdf')}-{language}.pdf",
    )


@require_safe
def assessment_preview_pdf(request, pk: int):
    """The live answers as a PDF watermarked as a draft; nothing is stored."""
    assessment = get_assessment_for_user(request, pk)
    return _rendered_download(
        request,
        lambda: _render_preview(assessment, request.user),
        filename=f"R2P-{assessment.member_state.iso3}-{assessment.cycle.code}-draft.pdf",
    )


def _rendered_download(request, render_pdf, *, filename: str):
    """A PDF rendered in the request, as a download, under the rendering brakes.

    Rendering takes a web worker for seconds: one rendering at a time per user, a few a
    minute, and at most PREVIEW_CONCURRENCY across the site, so that neither repeated
    clicks nor many colleagues at once can occupy every worker.
    """
    key = f"preview-pdf:{request.user.pk}"
    try:
        count_request(key, limit=settings.PREVIEW_RATE_LIMIT, period=60)
        with (
            one_at_a_time(key, timeout=120, retry_after=10),
            one_of("site-renderings", settings.PREVIEW_CONCURRENCY, timeout=120, retry_after=10),
        ):
            pdf = render_pdf()
    except Throttled as throttled:
        return too_many_requests(request, throttled)
    return private_download(ContentFile(pdf), filename=filename, content_type="application/pdf")


def _render_preview(assessment, user) -> bytes:
    snapshot = build_snapshot(
        assessment=assessment,
        submitted_by=user,
        submitted_at=timezone.now(),
        number=assessment.submissions.count() + 1,
    )
    return render_country_report(snapshot, draft=True)


@login_not_required
@max_body("VERIFY_MAX_BYTES")
# Public and hashing up to VERIFY_MAX_BYTES a time: a brake per client address.
@post_rate_limit("verify", "VERIFY_RATE_LIMIT", period=600)
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
        {
            "form": form,
            "checked": checked,
            "match": match,
            "standing": submission_standing(match) if match else None,
        },
        status=400 if form.errors else 200,
    )
