"""Private files (evidence, country reports) as downloads: never cached by anyone on the
way, never rendered by the browser as a page of this site."""

from django.core.files import File
from django.http import FileResponse, Http404


def private_download(file: File, *, filename: str, content_type: str) -> FileResponse:
    """`file` as an attachment named `filename`; 404 if its storage has lost it."""
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    result = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    result["Cache-Control"] = "private, no-store"
    # An uploaded file is untrusted: should a browser open it inline anyway, it runs
    # nothing and reaches nothing of the site.
    result["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return result
