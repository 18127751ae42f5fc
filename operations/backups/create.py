"""Taking a backup: the database first, then every stored file, then the manifest.

In that order, every file the dumped rows name is already stored when the files are
listed (a file is stored before its row commits), so the only file a backup can lack is
one deleted in between (an attachment removed meanwhile) or one the storage had lost;
either is named in the manifest's `missing_files` and the command fails.

A backup is built in a hidden folder beside its destination and renamed into place at
the end, so a backup interrupted half-way never looks like one.
"""

import shutil
import tarfile
import tempfile
from pathlib import Path

from django.core.files.storage import default_storage
from django.utils import timezone

from . import database, files
from .manifest import (
    DATABASE_FILE_NAMES,
    FILES_FOLDER,
    BackupError,
    FileEntry,
    Manifest,
    digest_of_path,
    manifest_write,
)


def is_archive(path: Path) -> bool:
    return path.suffix == ".tar"


def backup_create(*, destination: Path) -> Manifest:
    """Back up the database and the stored files to `destination`: a new folder, or a
    single .tar file when its name ends in .tar."""
    destination = Path(destination)
    if destination.exists() and (is_archive(destination) or any(destination.iterdir())):
        raise BackupError(
            f"{destination} already exists: a backup never overwrites another, choose a new name."
        )
    destination.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{destination.name}.partial-", dir=destination.parent))
    try:
        manifest = _write(work)
        if is_archive(destination):
            _archive(work, destination)
        else:
            if destination.exists():
                destination.rmdir()
            work.rename(destination)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return manifest


def _write(root: Path) -> Manifest:
    created_at = timezone.now()
    engine = database.engine()
    database_path = root / DATABASE_FILE_NAMES[engine]
    contents = database.dump(database_path)
    sha256, size = digest_of_path(database_path)
    stored = [
        files.copy_out(default_storage, name, root / FILES_FOLDER / name)
        for name in files.stored_names(default_storage)
    ]
    copied = {entry.name for entry in stored}
    referenced = {name for names in contents.file_names.values() for name in names}
    manifest = Manifest(
        created_at=created_at.isoformat(),
        engine=engine,
        database=FileEntry(name=database_path.name, sha256=sha256, size=size),
        migrations=contents.migrations,
        tables=contents.tables,
        files=stored,
        references={label: len(names) for label, names in contents.file_names.items()},
        missing_files=sorted(referenced - copied),
    )
    manifest_write(root, manifest)  # last: its presence says the backup is complete
    return manifest


def _archive(work: Path, destination: Path) -> None:
    partial = destination.with_name(destination.name + ".partial")
    try:
        # Uncompressed: PDFs, images and pg_dump's custom format are compressed already.
        with tarfile.open(partial, "x") as archive:
            for child in sorted(work.iterdir()):
                archive.add(child, arcname=child.name)
        partial.rename(destination)
    finally:
        partial.unlink(missing_ok=True)
