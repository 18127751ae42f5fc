"""Files are stored whole, with the row that points at them, or not at all.

A storage that fails midway (a full disk or quota, an I/O error, an object store that
refuses or cannot be reached) may leave what it wrote so far: FileSystemStorage writes
in place, so an upload stopped by a full disk stays as a truncated or empty file under
its random name, which no row names and nobody would ever delete. And a file stored
whose row is then not saved or not committed is lost the same way.

So the name is chosen before writing, and `storing()` deletes every file stored in its
block when the block fails: the storage's error, or the save or commit of the row
after it. A storage's error becomes `StorageFailed`, logged at error level, for the
caller to say so in words a person can act on.
"""

import logging
from contextlib import contextmanager

from boto3.exceptions import Boto3Error
from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.storage import Storage
from django.db.models.fields.files import FieldFile

logger = logging.getLogger(__name__)

# What the configured storages raise when they cannot keep a file: the local disk's
# OSError (ENOSPC, EDQUOT, EIO...), S3's client and transfer errors. Anything else is
# a defect, not the storage's failure: its file is deleted all the same, its error
# kept as it is.
STORAGE_ERRORS = (OSError, BotoCoreError, ClientError, Boto3Error)


class StorageFailed(Exception):
    """The storage did not keep a file; nothing of it was left behind (or, if even the
    deletion failed, its name was logged for the operators)."""

    def __init__(self, error: BaseException):
        super().__init__(f"{type(error).__name__}: {error}")
        self.error = error


class StoredFiles:
    """The files stored in one `storing()` block."""

    def __init__(self):
        self.names: list[tuple[Storage, str]] = []

    def store(self, file: FieldFile, name: str, content) -> str:
        """Save `content` as the new file of `file` (its model instance's FileField,
        named by the field's `upload_to` from `name`); its stored name.

        Raises StorageFailed when the storage cannot keep it, having deleted whatever
        it wrote.
        """
        field, storage = file.field, file.storage
        target = None
        try:
            # Chosen here, not inside storage.save, so that a save failing midway
            # leaves the name of what it wrote: a free name, so deleting it deletes
            # nothing else.
            target = storage.get_available_name(
                field.generate_filename(file.instance, name), max_length=field.max_length
            )
            stored = storage.save(target, content, max_length=field.max_length)
        except BaseException as error:
            if target is not None:
                _discard(storage, target)
            if isinstance(error, STORAGE_ERRORS):
                logger.error(
                    "%s could not store %s", type(storage).__name__, target or name, exc_info=True
                )
                raise StorageFailed(error) from error
            raise
        self.names.append((storage, stored))
        # As FieldFile.save does: the instance now points at the stored file.
        setattr(file.instance, field.attname, stored)
        return stored


@contextmanager
def storing():
    """A block whose stored files are deleted again if it fails.

    Open it before the transaction that saves the rows pointing at the files
    (`with storing() as files, transaction.atomic():`), so that a failed save or commit
    takes the files with it. A rollback of a transaction around the caller's is out of
    its reach: services store files in transactions of their own.
    """
    files = StoredFiles()
    try:
        yield files
    except BaseException:
        for storage, name in files.names:
            _discard(storage, name)
        raise


def _discard(storage: Storage, name: str) -> None:
    try:
        storage.delete(name)
    except Exception:
        # The error that got here matters more; this one is for whoever cleans up.
        logger.error(
            "%s could not delete %s, left by a failed save",
            type(storage).__name__,
            name,
            exc_info=True,
        )
