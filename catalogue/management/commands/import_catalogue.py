from itertools import chain
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from catalogue.models import Recommendation, Report, Section, Target
from catalogue.services import CatalogueImportError, ImportResult, catalogue_import
from catalogue.source import SourceFormatError, parse_source

DEFAULT_SOURCE = Path("fixtures/source/r2p-sg-report-recommendations-2009-2024.txt")


class Command(BaseCommand):
    # Plain strings: argparse cannot format lazy translations (as in Django's own commands).
    help = (
        "Import the catalogue of reports, targets and recommendations from the source text "
        "and optionally write it as a fixture."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            type=Path,
            help="Source text file; defaults to the copy in fixtures/source/.",
        )
        parser.add_argument(
            "--fixture",
            type=Path,
            metavar="PATH",
            help="Also write the imported catalogue as a JSON fixture to PATH.",
        )

    def handle(self, *args, path: Path | None, fixture: Path | None, **options):
        path = path or Path(settings.BASE_DIR) / DEFAULT_SOURCE
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s") % {"path": path, "error": error}
            ) from error
        try:
            reports = parse_source(text)
        except SourceFormatError as error:
            raise CommandError(
                _("%(path)s, line %(line)d: %(problem)s")
                % {"path": path, "line": error.line, "problem": error.problem}
            ) from error
        try:
            result = catalogue_import(reports=reports)
        except CatalogueImportError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self._summary(result))
        if fixture is not None:
            _write_fixture(fixture)
            self.stdout.write(_("Wrote the catalogue fixture to %(path)s.") % {"path": fixture})

    def _summary(self, result: ImportResult) -> str:
        lines = [
            _("%(kind)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
            % {
                "kind": kind,
                "created": counts.created,
                "updated": counts.updated,
                "unchanged": counts.unchanged,
            }
            for kind, counts in (
                (_("Targets"), result.targets),
                (_("Reports"), result.reports),
                (_("Sections"), result.sections),
                (_("Recommendations"), result.recommendations),
            )
        ]
        style = self.style.SUCCESS if result.changed else self.style.NOTICE
        lines.append(style(_("Catalogue imported.") if result.changed else _("Nothing changed.")))
        return "\n".join(lines)


def _write_fixture(path: Path) -> None:
    # Ordered by natural keys, not pks, so the same catalogue always gives the same file.
    objects = chain(
        Target.objects.order_by("position"),
        Report.objects.order_by("year"),
        Section.objects.select_related("report", "target").order_by(
            "report__year", "target__position"
        ),
        Recommendation.objects.select_related("section__report", "section__target").order_by(
            "section__report__year", "section__target__position", "position"
        ),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as stream:
        serializers.serialize(
            "json",
            objects,
            stream=stream,
            indent=2,
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
            ensure_ascii=False,
        )
