"""The synthesis report as a document: requested by the secretariat, rendered by the
worker, stored with its SHA-256. The task `render_synthesis_document` is here, beside
the service it runs."""

import hashlib
import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from assessments.models import Cycle
from assessments.storing import StorageFailed, storing

from ..models import SynthesisDocument
from .documents import render_synthesis_pdf
from .selectors import cycle_synthesis

logger = logging.getLogger(__name__)

# A rendering takes seconds; one neither stored nor failed after this died with its
# worker, and no longer stands in the way of a new request.
LOST_AFTER = timedelta(minutes=15)


class AlreadyRequested(Exception):
    """A rendering of the same cycle, language and audience is waiting or under way."""

    def __init__(self):
        super().__init__(
            _(
                "This synthesis report is already being prepared in this language; "
                "it will be listed here when it is ready."
            )
        )


@transaction.atomic
def synthesis_document_request(
    *, cycle: Cycle, language: str, audience: str, requested_by: AbstractBaseUser
) -> SynthesisDocument:
    """Record a request for the synthesis report and queue its rendering; one at a time
    per cycle, language and audience (the constraint `one_pending_synthesis_document`
    decides between two requests made at once). Raises AlreadyRequested."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"Unknown language {language!r}")
    if audience not in SynthesisDocument.Audience.values:
        raise ValueError(f"Unknown audience {audience!r}")
    pending = SynthesisDocument.objects.filter(
        cycle=cycle, language=language, audience=audience, rendered_at=None, error=""
    )
    pending.filter(requested_at__lt=timezone.now() - LOST_AFTER).update(
        error=f"Interrupted: no result after {LOST_AFTER.total_seconds() / 60:.0f} minutes."
    )
    try:
        with transaction.atomic():
            document = SynthesisDocument.objects.create(
                cycle=cycle, language=language, audience=audience, requested_by=requested_by
            )
    except IntegrityError:
        raise AlreadyRequested from None
    transaction.on_commit(lambda: render_synthesis_document.enqueue(document.pk))
    return document


def synthesis_document_render(*, document: SynthesisDocument) -> SynthesisDocument:
    """Count, render and store a requested document, once; a failure is recorded on it
    (and raised). The figures are those of the moment of rendering: the submissions
    counted are kept with it, so that pages can say when it is out of date."""
    if document.pdf or document.error:
        return document
    try:
        with translation.override(document.language):
            synthesis = cycle_synthesis(document.cycle, document.audience)
            pdf = render_synthesis_pdf(document.cycle, synthesis, language=document.language)
    except Exception as error:
        logger.exception("The synthesis report %s could not be rendered", document.pk)
        _failed(document, error)
        raise
    try:
        # The file and the row that points at it, or neither.
        with storing() as files, transaction.atomic():
            stored = SynthesisDocument.objects.select_for_update().get(pk=document.pk)
            if stored.pdf or stored.error:  # stored meanwhile, or given up as lost
                return stored
            files.store(stored.pdf, f"{uuid.uuid4().hex}.pdf", ContentFile(pdf))
            stored.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
            stored.rendered_at = timezone.now()
            stored.submissions_counted = list(synthesis.submissions)
            stored.save(update_fields=["pdf", "pdf_sha256", "rendered_at", "submissions_counted"])
    except StorageFailed as error:
        _failed(document, error)
        raise
    return stored


def _failed(document: SynthesisDocument, error: Exception) -> None:
    SynthesisDocument.objects.filter(pk=document.pk, rendered_at=None).update(
        error=f"{type(error).__name__}: {error}"[:2000] or "failed"
    )
    document.refresh_from_db()


@task()
def render_synthesis_document(document_pk: int) -> str:
    """Render and store a requested synthesis report; a failure is recorded on the
    document and fails the task, so that the queue shows it too."""
    document = SynthesisDocument.objects.select_related("cycle").get(pk=document_pk)
    synthesis_document_render(document=document)
    return "stored"
