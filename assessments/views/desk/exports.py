"""The download of a file a worker built for the secretariat (the ZIP of PDFs)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from ...downloads import private_download
from ...models import Export, ExportState


def export_download(request, pk: int):
    if not request.user.has_perm("assessments.review_assessment"):
        raise PermissionDenied
    export = get_object_or_404(Export, pk=pk, state=ExportState.READY)
    return private_download(export.file, filename=export.filename, content_type="application/zip")
