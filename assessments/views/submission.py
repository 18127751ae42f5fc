from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from .. import policy
from ..access import (
    delegation_refusal,
    get_assessment_for_user,
    submit_refusal,
)
from ..documents.snapshot import readable
from ..forms import SubmitForm
from ..models import AnswerStatus
from ..selectors.review import answered_without_evidence
from ..services.lifecycle import ReportUnprintable, assessment_submit
from ..services.reports import submission_pdf_retry


@require_http_methods(["GET", "HEAD", "POST"])
def assessment_submit_view(request, pk: int):
    """Review what is missing, then submit after confirmation (focal point only)."""
    assessment = get_assessment_for_user(request, pk)
    refusal = delegation_refusal(request.user, assessment)
    if refusal:
        raise PermissionDenied(refusal)
    read_only = policy.edit_refusal(assessment)
    if read_only:
        messages.info(request, read_only)
        return redirect(assessment)
    if request.method == "POST":
        refusal = submit_refusal(request.user, assessment)
        if refusal:
            messages.error(request, refusal)
            return redirect(assessment)
        # Counting the missing answers is for the box's label, needed only if it is shown
        # again with an error: the submit itself does not wait for it.
        form = SubmitForm(request.POST, unanswered=0)
        if form.is_valid():
            try:
                submission = assessment_submit(assessment=assessment, submitted_by=request.user)
            except PermissionDenied as error:
                messages.error(request, str(error))
            except ReportUnprintable as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(
                    request,
                    _("The assessment has been submitted (version %(number)s).")
                    % {"number": submission.number},
                )
            return redirect(assessment)
        form = SubmitForm(
            request.POST,
            unanswered=assessment.answers.filter(status=AnswerStatus.NOT_ANSWERED).count(),
        )
        form.is_valid()

    answers = assessment.answers.with_catalogue().with_files().in_catalogue_order()
    unanswered, without_evidence = [], []
    for answer in answers:
        if answer.status == AnswerStatus.NOT_ANSWERED:
            unanswered.append(answer)
        elif answered_without_evidence(answer):
            without_evidence.append(answer)
    if request.method != "POST":
        form = SubmitForm(unanswered=len(unanswered))
    return render(
        request,
        "assessments/assessment_submit.html",
        {
            "assessment": assessment,
            "form": form,
            "unanswered": unanswered,
            "without_evidence": without_evidence,
            "submit_refusal": submit_refusal(request.user, assessment),
        },
        status=400 if form.errors else 200,
    )


@require_safe
def submission_detail(request, pk: int, number: int):
    assessment = get_assessment_for_user(request, pk)
    submission = get_object_or_404(
        assessment.submissions.select_related("submitted_by"), number=number
    )
    # The page says the PDF is being prepared while it is missing; a long-failed one is
    # queued again.
    submission_pdf_retry(submission)
    return render(
        request,
        "assessments/submission_detail.html",
        {
            "assessment": assessment,
            "submission": submission,
            "snapshot": readable(submission.snapshot),
        },
    )
