"""Restoring a backup into the configured database and storage, which must be empty
unless `force`.

Everything that can be checked is checked before anything is written: every byte of the
backup against its manifest, the database engine, that this version of the site knows
every migration the backup's database went through, and that the target is empty. The
database is restored in one transaction (PostgreSQL) or one backup-API copy (SQLite),
then the files; the rows are counted again against the manifest at the end.
"""

import tarfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

from django.core.files.storage import default_storage
from django.db.migrations.loader import MigrationLoader

from . import database, files
from .manifest import FILES_FOLDER, BackupDamaged, BackupError, Manifest, backup_check


class TargetNotEmpty(BackupError):
    """The database or storage to restore into already holds something."""


@dataclass(frozen=True)
class RestoreResult:
    manifest: Manifest
    # Tables whose rows, counted after the restore, differ from the manifest's.
    problems: list[str]
    # Migrations of this version of the site that the backup's database predates.
    unapplied: list[str]
    # What the restored database holds, read after the restore.
    contents: database.Contents


@contextmanager
def backup_opened(source: Path):
    """The backup's folder: `source` itself, or a .tar file unpacked to a temporary one."""
    source = Path(source)
    if source.is_dir():
        yield source
        return
    if not source.is_file():
        raise BackupError(f"There is no backup at {source}.")
    with TemporaryDirectory(prefix="r2p-restore-") as folder:
        try:
            with tarfile.open(source) as archive:
                # "data": nothing outside the folder, no links out, no devices.
                archive.extractall(folder, filter="data")
        except (tarfile.TarError, EOFError, OSError) as error:
            raise BackupDamaged(source, [f"not a readable .tar archive ({error})"]) from None
        yield Path(folder)


def backup_restore(*, source: Path, force: bool = False) -> RestoreResult:
    with backup_opened(source) as root:
        manifest = backup_check(root, source)
        _check_engine(manifest)
        loader = MigrationLoader(None, ignore_no_migrations=True)
        _check_migrations_known(manifest, loader)
        if not force:
            _check_empty()
        database.restore(root / manifest.database.name, replace=force)
        try:
            for entry in manifest.files:
                files.copy_in(
                    default_storage, entry.name, root / FILES_FOLDER / entry.name, replace=force
                )
        except (BackupError, OSError) as error:
            raise BackupError(
                f"The database was restored but the files were not all: {error} Restore "
                "again with --force once the storage is fixed."
            ) from error
    after = database.current_contents()
    return RestoreResult(
        manifest=manifest,
        problems=table_differences(manifest.tables, after.tables),
        unapplied=_unapplied(manifest, loader),
        contents=after,
    )


def table_differences(expected: dict[str, int], found: dict[str, int]) -> list[str]:
    problems = [
        f"table {table}: {found[table]} rows, the backup had {rows}"
        for table, rows in expected.items()
        if table in found and found[table] != rows
    ]
    problems += [f"table {table}: missing" for table in expected if table not in found]
    problems += [f"table {table}: not in the backup" for table in found if table not in expected]
    return problems


def _check_engine(manifest: Manifest) -> None:
    if manifest.engine != database.engine():
        raise BackupError(
            f"This is a {manifest.engine} backup and the configured database is "
            f"{database.engine()}: restore it into a {manifest.engine} database. Nothing "
            "was restored."
        )


def _known(loader: MigrationLoader) -> set[str]:
    known = set()
    for (app, name), migration in loader.disk_migrations.items():
        known.add(f"{app}.{name}")
        known.update(f"{a}.{n}" for a, n in migration.replaces)
    return known


def _check_migrations_known(manifest: Manifest, loader: MigrationLoader) -> None:
    unknown = sorted(set(manifest.migrations) - _known(loader))
    if unknown:
        raise BackupError(
            "This backup was made by a newer version of the site, whose database went "
            f"through migrations this version does not have ({', '.join(unknown[:5])}): "
            "restore it with that version. Nothing was restored."
        )


def _unapplied(manifest: Manifest, loader: MigrationLoader) -> list[str]:
    applied = set(manifest.migrations)
    return sorted(
        f"{app}.{name}"
        for (app, name), migration in loader.disk_migrations.items()
        if f"{app}.{name}" not in applied
        and not (migration.replaces and {f"{a}.{n}" for a, n in migration.replaces} <= applied)
    )


def _check_empty() -> None:
    tables = database.current_tables()
    stored = next(files.stored_names(default_storage), None)
    if tables or stored:
        held = []
        if tables:
            held.append(f"{len(tables)} tables (e.g. {tables[0]})")
        if stored:
            held.append(f"files (e.g. {stored})")
        raise TargetNotEmpty(
            f"The target is not empty: it holds {' and '.join(held)}. Restore into a new, "
            "empty database and storage, or pass --force to replace what the backup holds."
        )
