"""`manage.py backup DEST`: the database and every stored file, with a manifest."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations.backups.create import backup_create
from operations.backups.manifest import BackupError


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump, or SQLite's online backup) and every stored file "
        "(attachments, country reports, exports; local folder or S3) to DEST, a new folder, "
        "or one .tar file when DEST ends in .tar, with a manifest of every table's rows and "
        "every file's SHA-256. docs/deployment.md says how often and how to restore it."
    )

    def add_arguments(self, parser):
        parser.add_argument("destination", type=Path, help="a new folder, or a new .tar file")

    def handle(self, *args, destination, **options):
        try:
            manifest = backup_create(destination=destination)
        except BackupError as error:
            raise CommandError(str(error)) from error
        size = manifest.database.size + sum(entry.size for entry in manifest.files)
        self.stdout.write(
            f"Backed up to {destination}: the {manifest.engine} database "
            f"({len(manifest.tables)} tables, {sum(manifest.tables.values())} rows) and "
            f"{len(manifest.files)} stored files, {size} bytes in all."
        )
        if manifest.missing_files:
            raise CommandError(
                f"The backup is written, but {len(manifest.missing_files)} files the database "
                "names were not in the storage (deleted meanwhile, or lost before): "
                + ", ".join(manifest.missing_files[:10])
                + ". Run the backup again; if they are still missing, they were lost."
            )
