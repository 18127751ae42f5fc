"""The import of a report's official translation: preview, then confirm or discard."""

import hashlib
import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from r2p_site.fonts import validate_printable

from ..models import (
    MAX_RECOMMENDATION_LENGTH,
    Recommendation,
    RecommendationTranslation,
    Report,
    ReportTranslation,
    TranslationImport,
)
from .languages import guess_language
from .paragraphs import ParsedDocument, parse_document, text_at
from .places import parse_place
from .reading import DocumentError, read_blocks

TITLE_MAX_LENGTH = Report._meta.get_field("title").max_length


class ImportRefused(ValueError):
    """The confirm cannot save: the message says why; nothing was saved."""


def translation_import_preview(
    *, report: Report, language: str, file_name: str, data: bytes, uploaded_by
) -> TranslationImport:
    """Read the document and store what it would save, saving no translation. Raises
    DocumentError, with the reason, for a document that is not this report in this
    language."""
    document = parse_document(read_blocks(data))
    symbol = re.compile(rf"(?<![\w/]){re.escape(report.first_symbol)}(?![\w/])")
    if not symbol.search(document.text):
        raise DocumentError(
            _("The document does not carry the symbol %(symbol)s of the %(year)d report.")
            % {"symbol": report.first_symbol, "year": report.year}
        )
    if not document.paragraphs:
        raise DocumentError(_("No numbered paragraph was found in the document."))
    found = guess_language(" ".join(p.text for p in document.paragraphs.values()))
    if found != language:
        raise DocumentError(
            _("The document is in another language than the one chosen (it reads as %(found)s).")
            % {"found": get_language_info(found)["name_translated"]}
        )
    current_title = ReportTranslation.objects.filter(report=report, language=language).first()
    return TranslationImport.objects.create(
        report=report,
        language=language,
        file_name=file_name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        title=_checked(document.title, max_length=TITLE_MAX_LENGTH)[0],
        previous_title=current_title.title if current_title else "",
        items=_items(report, language, document),
        uploaded_by=uploaded_by,
    )


def _items(report: Report, language: str, document: ParsedDocument) -> list[dict]:
    recommendations = (
        Recommendation.objects.filter(section__report=report)
        .in_catalogue_order()
        .with_translations(language)
    )
    items = []
    for recommendation in recommendations:
        current = next(iter(recommendation.translations.all()), None)
        text, problem = "", ""
        place = parse_place(recommendation.place)
        if place is None:
            problem = _("No place in the report is recorded for this recommendation.")
        else:
            found, problem = text_at(document, place)
            text, problem = _checked(found, problem=problem)
        items.append(
            {
                "recommendation": recommendation.pk,
                "code": recommendation.code,
                "place": recommendation.place,
                "english": recommendation.text,
                "text": text,
                "problem": problem,
                "current": current.text if current else None,
            }
        )
    return items


def _checked(
    text: str, *, problem: str = "", max_length: int = MAX_RECOMMENDATION_LENGTH
) -> tuple[str, str]:
    """The text, or "" and why it cannot be a translation."""
    if problem or not text:
        return "", problem
    if len(text) > max_length:
        return "", _(
            "The text found is longer than %(max)d characters: record a narrower place "
            "(a sub-paragraph or a sentence)."
        ) % {"max": max_length}
    try:
        validate_printable(text)
    except ValidationError as error:
        return "", " ".join(error.messages)
    return text, ""


@transaction.atomic
def translation_import_confirm(
    *, translation_import: TranslationImport, confirmed_by
) -> TranslationImport:
    """Save every placed text of the preview, all or none. Refused if the preview was
    already decided, or if a translation it showed has changed since (another import,
    an edit in the admin): the secretariat previews again."""
    locked = TranslationImport.objects.select_for_update().get(pk=translation_import.pk)
    if locked.status != TranslationImport.Status.PENDING:
        raise ImportRefused(_("This import was already confirmed or discarded."))
    # Two confirms of the same report wait for each other here: the second then finds
    # what the first saved, and is refused as stale rather than saving over it.
    Report.objects.select_for_update().get(pk=locked.report_id)
    existing = {
        translation.recommendation_id: translation
        for translation in RecommendationTranslation.objects.select_for_update()
        .filter(
            recommendation_id__in=[item["recommendation"] for item in locked.items],
            language=locked.language,
        )
        .order_by("recommendation_id")
    }
    _refuse_if_stale(locked, existing)
    try:
        # A translation typed in the admin in the meantime makes the insert fail on the
        # one-per-language constraint: refused like any other change since the preview.
        with transaction.atomic():
            counts = _save(locked, existing)
    except IntegrityError:
        raise ImportRefused(_stale_message(_("a translation typed meanwhile"))) from None
    locked.status = TranslationImport.Status.CONFIRMED
    locked.decided_by, locked.decided_at = confirmed_by, timezone.now()
    locked.added, locked.replaced, locked.unchanged = counts
    locked.save(
        update_fields=["status", "decided_by", "decided_at", "added", "replaced", "unchanged"]
    )
    return locked


def _stale_message(what: str) -> str:
    return _(
        "The translations changed after this preview (%(codes)s): upload the document "
        "again to see the changes."
    ) % {"codes": what}


def _refuse_if_stale(locked: TranslationImport, existing: dict) -> None:
    still_there = set(
        Recommendation.objects.filter(
            pk__in=[item["recommendation"] for item in locked.items],
            section__report=locked.report_id,
        ).values_list("pk", flat=True)
    )
    stale = [
        item["code"]
        for item in locked.items
        if item["recommendation"] not in still_there
        or getattr(existing.get(item["recommendation"]), "text", None) != item["current"]
    ]
    title = (
        ReportTranslation.objects.select_for_update()
        .filter(report=locked.report_id, language=locked.language)
        .first()
    )
    if (title.title if title else "") != locked.previous_title:
        stale.append(_("the title"))
    if stale:
        raise ImportRefused(_stale_message(", ".join(stale)))


def _save(locked: TranslationImport, existing: dict) -> tuple[int, int, int]:
    """The placed texts and the title written: (added, replaced, unchanged)."""
    added, changed, unchanged = [], [], 0
    for item in locked.placed:
        translation = existing.get(item["recommendation"])
        if translation is None:
            added.append(
                RecommendationTranslation(
                    recommendation_id=item["recommendation"],
                    language=locked.language,
                    text=item["text"],
                )
            )
        elif translation.text == item["text"]:
            unchanged += 1
        else:
            translation.text = item["text"]
            changed.append(translation)
    RecommendationTranslation.objects.bulk_create(added)
    RecommendationTranslation.objects.bulk_update(changed, ["text"])
    if locked.title:
        ReportTranslation.objects.update_or_create(
            report_id=locked.report_id, language=locked.language, defaults={"title": locked.title}
        )
    return len(added), len(changed), unchanged


def translation_import_discard(*, translation_import: TranslationImport, discarded_by) -> None:
    updated = TranslationImport.objects.filter(
        pk=translation_import.pk, status=TranslationImport.Status.PENDING
    ).update(
        status=TranslationImport.Status.DISCARDED,
        decided_by=discarded_by,
        decided_at=timezone.now(),
    )
    if not updated:
        raise ImportRefused(_("This import was already confirmed or discarded."))
