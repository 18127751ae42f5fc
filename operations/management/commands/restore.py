"""`manage.py restore SRC`: a backup into the configured (empty) database and storage."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations.backups.manifest import BackupError
from operations.backups.restore import backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` (a folder or a .tar file) into the "
        "configured database and storage, which must be empty. Every file of the backup is "
        "checked against its manifest first: a damaged backup restores nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="the backup's folder or .tar file")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Restore into a database and storage that are not empty, replacing the "
            "tables and files the backup holds.",
        )

    def handle(self, *args, source, force, **options):
        try:
            result = backup_restore(source=source, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = result.manifest
        self.stdout.write(
            f"Restored the backup of {manifest.created_at}: {len(manifest.tables)} tables, "
            f"{sum(manifest.tables.values())} rows, {len(manifest.files)} stored files."
        )
        if result.problems:
            raise CommandError(
                "The restored database differs from the backup's manifest:\n  "
                + "\n  ".join(result.problems)
            )
        if result.unapplied:
            self.stdout.write(
                f"The backup predates {len(result.unapplied)} migrations of this version: "
                "run `manage.py migrate` before starting the site."
            )
