"""`manage.py restore_drill SRC`: prove that a backup restores and that the site serves it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations.backups.drill import restore_drill
from operations.backups.manifest import BackupError


class Command(BaseCommand):
    help = (
        "Restore a backup into a fresh database (created beside the configured one, then "
        "dropped) and a fresh storage folder, and check it: every table's rows, every "
        "file's SHA-256, every submission's PDF and attachment against its recorded SHA-256, "
        "every file a row names, and the pages that serve them (as the secretariat and a "
        "delegation). The configured database and storage are not touched. Exits non-zero "
        "on any difference."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="the backup's folder or .tar file")

    def handle(self, *args, source, **options):
        try:
            report = restore_drill(source=source)
        except BackupError as error:
            raise CommandError(f"Restore drill failed: {error}") from error
        for line in report.passed:
            self.stdout.write(f"ok      {line}")
        for line in report.problems:
            self.stdout.write(f"FAILED  {line}")
        if not report.ok:
            raise CommandError(
                f"Restore drill failed: {len(report.problems)} differences (listed above)."
            )
        self.stdout.write(f"Restore drill passed in {report.seconds:.1f} s.")
