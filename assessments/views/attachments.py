from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from catalogue.bidi import ltr_isolated
from r2p_site.middleware import max_body

from ..access import get_attachment_for_user, get_editable_answer, get_editable_assessment
from ..downloads import private_download
from ..forms import AttachmentForm
from ..services.answers import attachment_add, attachment_remove
from ..storing import StorageFailed
from ..uploads import clean_filename, sha256_of
from .answers import render_report_page


def _back_to(answer):
    url = reverse(
        "assessments:report_answers",
        args=[answer.assessment_id, answer.recommendation.section.report.year],
    )
    return redirect(f"{url}#answer-{answer.pk}")


@max_body("ATTACHMENT_REQUEST_MAX_BYTES")
@require_POST
def attachment_upload(request, pk: int, answer_pk: int):
    answer = get_editable_answer(request, pk, answer_pk)
    form = AttachmentForm(request.POST, request.FILES, prefix=AttachmentForm.prefix_for(answer.pk))
    status = 400
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            attachment_add(
                answer=answer,
                upload=upload,
                checked_type=form.file_type,
                sha256=sha256_of(upload),
                user=request.user,
            )
        except ValidationError as error:
            form.add_error("file", error)
        except StorageFailed:
            # Logged by the storing; the person learns that nothing was kept, and why.
            form.add_error(
                "file",
                _(
                    "%(name)s could not be stored: the site's file storage is full or "
                    "unavailable. Nothing was saved. Try again later; if it keeps failing, "
                    "tell the secretariat."
                )
                % {"name": clean_filename(upload.name)},
            )
            status = 503
        else:
            messages.success(
                request,
                _("%(name)s is attached to %(code)s.")
                % {"name": upload.name, "code": ltr_isolated(answer.recommendation.code)},
            )
    if form.errors:
        # Shown in the answer's own card, where the person chose the file.
        return render_report_page(
            request,
            answer.assessment,
            answer.recommendation.section.report,
            upload_errors={answer.pk: form.errors.get("file", [])},
            status=status,
        )
    return _back_to(answer)


@require_safe
def attachment_download(request, pk: int):
    attachment = get_attachment_for_user(request, pk)
    return private_download(
        attachment.file, filename=attachment.original_name, content_type=attachment.content_type
    )


@require_http_methods(["GET", "HEAD", "POST"])
def attachment_delete(request, pk: int):
    """Ask first (a removed file cannot be restored), then remove on the POST."""
    attachment = get_attachment_for_user(request, pk)
    answer = attachment.answer
    get_editable_assessment(request, answer.assessment_id)
    if request.method != "POST":
        return render(
            request,
            "assessments/attachment_delete.html",
            {"attachment": attachment, "answer": answer, "back": _back_to(answer).url},
        )
    attachment_remove(attachment=attachment, user=request.user)
    messages.success(request, _("%(name)s has been removed.") % {"name": attachment})
    return _back_to(answer)
