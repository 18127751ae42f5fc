from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from catalogue.models import Recommendation, Report, Section, Target, recommendation_code
from catalogue.source import TARGETS, ParsedReport

# Codes listed in an error message before "and N more".
MAX_CODES_IN_MESSAGE = 10


class CatalogueImportError(Exception):
    """The source cannot be imported without losing or renumbering existing data."""


@dataclass(frozen=True)
class ImportCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class ImportResult:
    targets: ImportCounts
    reports: ImportCounts
    sections: ImportCounts
    recommendations: ImportCounts

    @property
    def changed(self) -> bool:
        return any(
            counts.created or counts.updated
            for counts in (self.targets, self.reports, self.sections, self.recommendations)
        )


@transaction.atomic
def catalogue_import(*, reports: list[ParsedReport]) -> ImportResult:
    """Create or update the catalogue from parsed reports, keyed by natural keys.

    Recommendations are keyed by report, target and position, so their codes
    never change. Existing recommendations missing from the source, or moved
    to another position, are refused: answers of Member States refer to them.
    """
    existing = _Existing.load(years={parsed.year for parsed in reports})
    _check_nothing_removed_or_moved(reports, existing.recommendations)
    tallies = {kind: Counter() for kind in ("targets", "reports", "sections", "recommendations")}
    targets = {
        code: _upsert(
            existing.targets.get(code),
            Target(code=code),
            {"name": name, "position": position},
            tallies["targets"],
            label=code,
        )
        for position, (code, name) in enumerate(TARGETS, start=1)
    }
    for parsed in reports:
        _import_report(parsed, targets, existing, tallies)
    return ImportResult(**{kind: ImportCounts(**tally) for kind, tally in tallies.items()})


@dataclass(frozen=True)
class _Existing:
    """The catalogue rows an import may touch, by natural key, read in four queries."""

    targets: dict[str, Target]
    reports: dict[int, Report]
    sections: dict[tuple[int, str], Section]
    recommendations: dict[tuple[int, str, int], Recommendation]

    @classmethod
    def load(cls, *, years: set[int]) -> "_Existing":
        sections = Section.objects.filter(report__year__in=years).select_related("report", "target")
        recommendations = Recommendation.objects.filter(
            section__report__year__in=years
        ).select_related("section__report", "section__target")
        return cls(
            targets={target.code: target for target in Target.objects.all()},
            reports={report.year: report for report in Report.objects.filter(year__in=years)},
            sections={(s.report.year, s.target.code): s for s in sections},
            recommendations={
                (r.section.report.year, r.section.target.code, r.position): r
                for r in recommendations
            },
        )


def _import_report(
    parsed: ParsedReport,
    targets: dict[str, Target],
    existing: _Existing,
    tallies: dict[str, Counter],
) -> None:
    report = _upsert(
        existing.reports.get(parsed.year),
        Report(year=parsed.year),
        {
            "number": parsed.number,
            "symbol": parsed.symbol,
            "title": parsed.title,
            "focus": parsed.focus,
        },
        tallies["reports"],
        label=str(parsed.year),
    )
    for parsed_section in parsed.sections:
        code = parsed_section.target_code
        section = _upsert(
            existing.sections.get((parsed.year, code)),
            Section(report=report, target=targets[code]),
            {"paragraphs": parsed_section.paragraphs},
            tallies["sections"],
            label=f"{parsed.year} {code}",
        )
        for position, text in enumerate(parsed_section.recommendations, start=1):
            recommendation = recommendation_code(
                year=parsed.year, target_code=code, position=position
            )
            _upsert(
                existing.recommendations.get((parsed.year, code, position)),
                Recommendation(section=section, position=position),
                {"code": recommendation, "text": text},
                tallies["recommendations"],
                label=recommendation,
            )


def _upsert(
    instance: models.Model | None,
    new: models.Model,
    values: dict[str, Any],
    tally: Counter,
    *,
    label: str,
) -> models.Model:
    if instance is None:
        instance = new
        tally["created"] += 1
    elif any(getattr(instance, name) != value for name, value in values.items()):
        tally["updated"] += 1
    else:
        tally["unchanged"] += 1
        return instance
    for name, value in values.items():
        setattr(instance, name, value)
    try:
        # Uniqueness and checks are left to the database: validating them here
        # costs several queries per row.
        instance.full_clean(validate_unique=False, validate_constraints=False)
        instance.save()
    except (ValidationError, IntegrityError) as error:
        messages = error.messages if isinstance(error, ValidationError) else [str(error)]
        raise CatalogueImportError(
            _("%(model)s %(label)s cannot be saved: %(errors)s")
            % {
                "model": instance._meta.verbose_name,
                "label": label,
                "errors": "; ".join(messages),
            }
        ) from error
    return instance


def _check_nothing_removed_or_moved(
    reports: list[ParsedReport], existing: dict[tuple[int, str, int], Recommendation]
) -> None:
    # Only reports present in the source are compared: reports added later
    # through the admin (2025 onward) are not the source's to judge.
    source_texts = {
        (parsed.year, section.target_code, position): text
        for parsed in reports
        for section in parsed.sections
        for position, text in enumerate(section.recommendations, start=1)
    }
    existing_texts = {key: recommendation.text for key, recommendation in existing.items()}
    missing = sorted(
        recommendation.code for key, recommendation in existing.items() if key not in source_texts
    )
    if missing:
        raise CatalogueImportError(
            _(
                "The source no longer contains these recommendations, which exist in the "
                "database: %(codes)s. Recommendations are never deleted or renumbered by an import."
            )
            % {"codes": _list_codes(missing)}
        )
    moved = sorted(
        recommendation_code(year=year, target_code=target, position=position)
        for (year, target, position), text in source_texts.items()
        if existing_texts.get((year, target, position)) != text
        and _text_elsewhere_in_section(existing_texts, year, target, position, text)
    )
    if moved:
        raise CatalogueImportError(
            _(
                "The source moves existing recommendations to other positions (%(codes)s), "
                "which would change their codes. Recommendations are never renumbered by an import."
            )
            % {"codes": _list_codes(moved)}
        )


def _text_elsewhere_in_section(
    existing_texts: dict[tuple[int, str, int], str],
    year: int,
    target: str,
    position: int,
    text: str,
) -> bool:
    return any(
        key[:2] == (year, target) and key[2] != position and existing_text == text
        for key, existing_text in existing_texts.items()
    )


def _list_codes(codes: list[str]) -> str:
    listed = ", ".join(codes[:MAX_CODES_IN_MESSAGE])
    if len(codes) > MAX_CODES_IN_MESSAGE:
        listed += " " + _("and %(count)d more") % {"count": len(codes) - MAX_CODES_IN_MESSAGE}
    return listed
