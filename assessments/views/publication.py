"""The focal point publishes the State's accepted assessment, or withdraws it: a preview
of exactly what becomes public, the files to tick, then the consent."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import policy
from ..access import get_publishable_assessment
from ..forms import PublishForm, WithdrawForm
from ..models import Assessment, Submission
from ..selectors.publication import public_content, submission_files
from ..services.publication import submission_publish, submission_withdraw


def _latest(assessment: Assessment) -> Submission:
    submission = assessment.submissions.order_by("-number").first()
    if submission is None:
        raise Http404
    submission.assessment = assessment
    return submission


@require_http_methods(["GET", "HEAD", "POST"])
def publication_publish(request, pk: int):
    """The preview of the public page, with a box per file, then the consent."""
    assessment = get_publishable_assessment(request, pk)
    if request.method == "POST":
        # The version the focal point saw: if another became the latest meanwhile, the
        # policy refuses it rather than publish a text nobody previewed.
        number = request.POST.get("number", "").strip()
        if not (number.isascii() and number.isdigit() and len(number) < 10):
            raise Http404
        submission = get_object_or_404(assessment.submissions, number=int(number))
        submission.assessment = assessment
    else:
        submission = _latest(assessment)
    refusal = policy.publish_refusal(submission, assessment)
    if refusal:
        messages.info(request, refusal)
        return redirect(assessment)
    file_ids = list(submission_files(submission))
    form = PublishForm(
        request.POST if request.method == "POST" else None,
        file_ids=file_ids,
        initial={"number": submission.number},
    )
    if form.is_valid():
        try:
            submission_publish(
                submission=submission,
                user=request.user,
                attachment_ids=form.cleaned_data["attachments"],
            )
        except PermissionDenied as error:
            messages.error(request, str(error))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The assessment is published: its page is public now."))
        return redirect(assessment)
    ticked = {str(value) for value in form["attachments"].value() or []}
    return render(
        request,
        "assessments/publication_publish.html",
        {
            "assessment": assessment,
            "submission": submission,
            "content": public_content(submission, files=None),
            "form": form,
            "ticked": ticked,
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def publication_withdraw(request, pk: int):
    """Confirm, then withdraw the publication of the latest submission."""
    assessment = get_publishable_assessment(request, pk)
    submission = _latest(assessment)
    refusal = policy.withdraw_refusal(submission)
    if refusal:
        messages.info(request, refusal)
        return redirect(assessment)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            submission_withdraw(submission=submission, user=request.user)
        except PermissionDenied as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("The publication is withdrawn: nothing of it is public any more.")
            )
        return redirect(assessment)
    return render(
        request,
        "assessments/publication_withdraw.html",
        {"assessment": assessment, "submission": submission, "form": form},
        status=400 if form.errors else 200,
    )
