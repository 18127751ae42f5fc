"""The stored files' half of a backup, through Django's storage API only, so that the
same code copies a local MEDIA_ROOT and an S3 bucket (django-storages)."""

import hashlib
import posixpath
from collections.abc import Iterator
from pathlib import Path

from django.core.files import File

from .manifest import CHUNK_BYTES, BackupError, FileEntry


def stored_names(storage, folder: str = "") -> Iterator[str]:
    """Every file name in the storage, folder by folder."""
    try:
        folders, names = storage.listdir(folder)
    except FileNotFoundError:  # a MEDIA_ROOT nothing was ever stored in
        return
    for name in sorted(names):
        yield posixpath.join(folder, name)
    for child in sorted(folders):
        yield from stored_names(storage, posixpath.join(folder, child))


def copy_out(storage, name: str, target: Path) -> FileEntry:
    """Copy a stored file to `target`, hashing it on the way."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with storage.open(name, "rb") as source, open(target, "xb") as copy:
        while chunk := source.read(CHUNK_BYTES):
            digest.update(chunk)
            copy.write(chunk)
            size += len(chunk)
    return FileEntry(name=name, sha256=digest.hexdigest(), size=size)


def stored_digest(storage, name: str) -> tuple[str, int]:
    """The SHA-256 and size of a stored file, read back from the storage."""
    digest, size = hashlib.sha256(), 0
    with storage.open(name, "rb") as stored:
        while chunk := stored.read(CHUNK_BYTES):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def copy_in(storage, name: str, source: Path, *, replace: bool) -> None:
    """Store `source` under exactly `name`: the rows name their files."""
    if storage.exists(name):
        if not replace:
            raise BackupError(f"The storage already holds {name}.")
        storage.delete(name)
    with open(source, "rb") as content:
        saved = storage.save(name, File(content, name=posixpath.basename(name)))
    if saved != name:
        # The storage chose another name (one was taken meanwhile): rows would not find it.
        storage.delete(saved)
        raise BackupError(f"The storage stored {name} as {saved}; nothing else was changed.")
