"""Reads of the synthesis: the submissions an audience counts, their figures, and the
synthesis documents rendered from them. Nothing here writes."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from assessments import policy
from assessments.models import Cycle, Submission
from assessments.selectors.publication import published_submissions
from catalogue.models import Report, Theme, ThemeLink, shown_in

from ..models import SynthesisDocument
from .counts import Counted, Synthesis, counted_from_snapshot, synthesize
from .counts import Theme as ThemeUnit

Audience = SynthesisDocument.Audience


def min_states() -> int:
    """The threshold: no figure from fewer States than this (settings.SYNTHESIS_MIN_STATES)."""
    return settings.SYNTHESIS_MIN_STATES


def _submissions(cycle: Cycle, audience: str):
    if audience == Audience.PUBLIC:
        return published_submissions(cycle=cycle)
    if audience == Audience.SECRETARIAT:
        return Submission.objects.filter(policy.accepted_q(), assessment__cycle=cycle)
    raise ValueError(f"Unknown audience {audience!r}")


def counted_ids(cycle: Cycle, audience: str) -> tuple[int, ...]:
    """The submissions the audience's synthesis counts now, by primary key (one query)."""
    return tuple(sorted(_submissions(cycle, audience).order_by().values_list("pk", flat=True)))


def counted_submissions(cycle: Cycle, audience: str) -> list[Counted]:
    """Each State's submission the audience counts, read from its snapshot.

    The secretariat counts every accepted submission (the latest version of an accepted
    assessment), the public only those published now. Two queries."""
    rows = (
        _submissions(cycle, audience)
        .order_by("pk")
        .values_list("pk", "snapshot", "assessment__member_state__regional_group")
    )
    public = (
        None
        if audience == Audience.PUBLIC
        else set(published_submissions(cycle=cycle).values_list("pk", flat=True))
    )
    return [
        counted_from_snapshot(
            pk, snapshot, public=public is None or pk in public, group=regional_group
        )
        for pk, snapshot, regional_group in rows.iterator(chunk_size=50)
    ]


def catalogue_themes() -> list[ThemeUnit]:
    """The themes with the codes of their recommendations, named in the active language."""
    codes: dict[int, set[str]] = {}
    for theme_id, code in ThemeLink.objects.values_list("theme_id", "recommendation__code"):
        codes.setdefault(theme_id, set()).add(code)
    return [
        ThemeUnit(
            key=theme.slug, label=shown_in(theme, "name").text, codes=frozenset(codes[theme.pk])
        )
        for theme in Theme.objects.filter(pk__in=codes).with_translations()
    ]


def report_titles() -> dict[int, str]:
    """The reports' titles by year, in the active language where translated."""
    return {
        report.year: shown_in(report, "title").text
        for report in Report.objects.with_translations().only("year", "title")
    }


def cycle_synthesis(cycle: Cycle, audience: str) -> Synthesis:
    """The figures of a cycle for an audience, labelled in the active language."""
    return synthesize(
        counted_submissions(cycle, audience),
        audience=audience,
        min_states=min_states(),
        themes=catalogue_themes(),
        report_titles=report_titles(),
        overall_label=_("All recommendations"),
    )


@dataclass(frozen=True)
class DocumentRow:
    """A synthesis document as a list shows it."""

    document: SynthesisDocument
    # Rendered from other submissions than the audience counts now.
    out_of_date: bool

    @property
    def ready(self) -> bool:
        return bool(self.document.pdf)

    @property
    def failed(self) -> bool:
        return bool(self.document.error)

    @property
    def pending(self) -> bool:
        return not self.ready and not self.failed


def is_out_of_date(document: SynthesisDocument, current: tuple[int, ...]) -> bool:
    return tuple(sorted(document.submissions_counted)) != tuple(current)


# How many of a cycle's documents the secretariat's page lists, the latest first.
DESK_DOCUMENTS = 30


def desk_documents(cycle: Cycle, current: dict[str, tuple[int, ...]]) -> list[DocumentRow]:
    """The latest documents requested for a cycle, of both audiences; `current`: the
    submissions each audience counts now."""
    documents = SynthesisDocument.objects.filter(cycle=cycle).select_related("requested_by")
    return [
        DocumentRow(
            document=document,
            out_of_date=bool(document.pdf) and is_out_of_date(document, current[document.audience]),
        )
        for document in documents.order_by("-requested_at", "-pk")[:DESK_DOCUMENTS]
    ]


def public_documents(cycle: Cycle, current: tuple[int, ...]) -> list[DocumentRow]:
    """The public synthesis of a cycle in each language: its latest rendering that counts
    only submissions still published (a State that withdraws takes the documents that
    counted it off the public list), marked out of date if more were published since."""
    still_published = set(current)
    latest: dict[str, DocumentRow] = {}
    rendered = (
        SynthesisDocument.objects.filter(cycle=cycle, audience=Audience.PUBLIC)
        .exclude(pdf="")
        .order_by("-rendered_at", "-pk")
    )
    for document in rendered.iterator():
        if document.language in latest or not set(document.submissions_counted) <= still_published:
            continue
        latest[document.language] = DocumentRow(
            document=document, out_of_date=is_out_of_date(document, current)
        )
    return [latest[code] for code, _name in settings.LANGUAGES if code in latest]


def public_document(cycle: Cycle, language: str) -> SynthesisDocument | None:
    """The public synthesis document of a cycle in a language, as listed (or None)."""
    for row in public_documents(cycle, counted_ids(cycle, Audience.PUBLIC)):
        if row.document.language == language:
            return row.document
    return None
