"""The secretariat's pages for importing official translations (admin-wrapped by
urls.py): upload with the progress table, preview, confirm or discard."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..models import TranslationImport
from .forms import UploadForm
from .progress import translation_progress
from .reading import DocumentError
from .services import (
    ImportRefused,
    translation_import_confirm,
    translation_import_discard,
    translation_import_preview,
)

PERMISSIONS = (
    "catalogue.add_recommendationtranslation",
    "catalogue.change_recommendationtranslation",
)


def may_import(user) -> bool:
    return user.is_active and user.is_staff and user.has_perms(PERMISSIONS)


def _require_import(request) -> None:
    if not may_import(request.user):
        raise PermissionDenied


def upload(request, admin_context):
    _require_import(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            preview = translation_import_preview(
                report=form.cleaned_data["report"],
                language=form.cleaned_data["language"],
                file_name=form.cleaned_data["document"].name,
                data=form.cleaned_data["document"].read(),
                uploaded_by=request.user,
            )
        except DocumentError as error:
            form.add_error("document", str(error))
        else:
            return redirect("admin:catalogue_translationimport_preview", preview.pk)
    context = {
        **admin_context,
        "title": _("Import official translations"),
        "form": form,
        "progress": translation_progress(),
    }
    return TemplateResponse(request, "catalogue/official_texts/upload.html", context)


def preview(request, admin_context, pk: int):
    _require_import(request)
    translation_import = get_object_or_404(
        TranslationImport.objects.select_related("report", "uploaded_by", "decided_by"), pk=pk
    )
    context = {
        **admin_context,
        "title": _("Official translations of the %(year)d report")
        % {"year": translation_import.report.year},
        "translation_import": translation_import,
        "pending": translation_import.status == TranslationImport.Status.PENDING,
    }
    return TemplateResponse(request, "catalogue/official_texts/preview.html", context)


@require_POST
def decide(request, admin_context, pk: int):
    _require_import(request)
    translation_import = get_object_or_404(TranslationImport, pk=pk)
    try:
        if "discard" in request.POST:
            translation_import_discard(
                translation_import=translation_import, discarded_by=request.user
            )
            messages.info(request, _("The import was discarded; nothing was saved."))
        else:
            done = translation_import_confirm(
                translation_import=translation_import, confirmed_by=request.user
            )
            messages.success(
                request,
                _("Saved: %(added)d added, %(replaced)d replaced, %(unchanged)d unchanged.")
                % {"added": done.added, "replaced": done.replaced, "unchanged": done.unchanged},
            )
    except ImportRefused as error:
        messages.error(request, str(error))
    return redirect("admin:catalogue_translationimport_preview", pk)
