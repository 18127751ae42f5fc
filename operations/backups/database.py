"""The database half of a backup, per engine: a dump, and what the manifest says of it
(the rows of every table, the migrations applied, the files the rows name) read in the
same snapshot; its restore; a fresh database for a restore drill.

- PostgreSQL: `pg_dump --format=custom` run in a snapshot exported by the transaction
  that counts the rows, so that the counts are the dump's exactly, whatever the site
  writes meanwhile; `pg_restore` in one transaction, so that a failure leaves the target
  as it was.
- SQLite: the online backup API (`sqlite3.Connection.backup`) copies the database while
  the site runs; the copy is what is counted.

There is no fallback to `dumpdata`: it skips tables no model owns (the cache, the
migration records), loses the sequences' positions, replays every row through the ORM,
and needs a schema migrated to the very same state before `loaddata`. A missing
`pg_dump` is an installation to fix (the image installs postgresql-client), not to
work around.
"""

import copy
import os
import secrets
import shutil
import sqlite3
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.db.utils import load_backend

from .manifest import BackupError

# PostgreSQL's limit on identifiers.
MAX_NAME_LENGTH = 63


@dataclass(frozen=True)
class Contents:
    tables: dict[str, int]
    migrations: list[str]
    # Per FileField ("assessments.Submission.pdf"), the file names its rows hold.
    file_names: dict[str, list[str]]


def engine() -> str:
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    return vendor


def quote(name: str) -> str:
    # The SQL standard's quoting, which both engines follow.
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def table_names(cursor, vendor: str) -> list[str]:
    if vendor == "postgresql":
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        )
    else:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY 1"
        )
    return [row[0] for row in cursor.fetchall()]


def file_fields() -> list[tuple[str, str, str]]:
    """Every FileField of every installed model: (label, table, column)."""
    return [
        (f"{model._meta.label}.{field.name}", model._meta.db_table, field.column)
        for model in apps.get_models()
        for field in model._meta.local_concrete_fields
        if isinstance(field, models.FileField)
    ]


def read_contents(cursor, vendor: str) -> Contents:
    """Rows per table, migrations applied and file names, through any DB-API cursor:
    Django's on the live database, sqlite3's on a copy."""
    tables = {}
    for table in table_names(cursor, vendor):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 (a listed table)
        tables[table] = cursor.fetchone()[0]
    migrations = []
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        migrations = [f"{app}.{name}" for app, name in cursor.fetchall()]
    file_names = {}
    for label, table, column in file_fields():
        if table not in tables:
            continue
        cursor.execute(
            f"SELECT {quote(column)} FROM {quote(table)} "  # noqa: S608 (model metadata)
            f"WHERE {quote(column)} IS NOT NULL AND {quote(column)} <> '' ORDER BY 1"
        )
        file_names[label] = [row[0] for row in cursor.fetchall()]
    return Contents(tables=tables, migrations=migrations, file_names=file_names)


def current_contents() -> Contents:
    with connection.cursor() as cursor:
        return read_contents(cursor, engine())


def current_tables() -> list[str]:
    with connection.cursor() as cursor:
        return table_names(cursor, engine())


def _outside_transactions() -> None:
    if connection.in_atomic_block:
        raise BackupError("Backups and restores run outside a database transaction.")


def dump(path: Path) -> Contents:
    """Write the database to `path`; return what the dump holds."""
    _outside_transactions()
    if engine() == "postgresql":
        return _dump_postgresql(path)
    return _dump_sqlite(path)


def _dump_postgresql(path: Path) -> Contents:
    with transaction.atomic(), connection.cursor() as cursor:
        # First statement of the transaction: its snapshot is then the one exported.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchone()
        contents = read_contents(cursor, "postgresql")
        # While this transaction lives, pg_dump can take the same snapshot.
        _run_client(
            "pg_dump",
            [
                "--format=custom",
                f"--snapshot={snapshot}",
                f"--file={path}",
                f"--dbname={connection.settings_dict['NAME']}",
            ],
            connection.settings_dict,
        )
    return contents


def _dump_sqlite(path: Path) -> Contents:
    connection.ensure_connection()
    copy_ = sqlite3.connect(path)
    try:
        connection.connection.backup(copy_)
        # One self-contained file: a copy left in WAL mode needs its -wal and -shm.
        copy_.execute("PRAGMA journal_mode=DELETE")
        return read_contents(copy_.cursor(), "sqlite")
    finally:
        copy_.close()


def restore(path: Path, *, replace: bool) -> None:
    """Load the dump at `path` into the configured database. `replace`: drop first what
    the dump holds (PostgreSQL) or overwrite every page (SQLite)."""
    _outside_transactions()
    if engine() == "postgresql":
        options = ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
        if replace:
            options += ["--clean", "--if-exists"]
        _run_client(
            "pg_restore",
            [*options, f"--dbname={connection.settings_dict['NAME']}", str(path)],
            connection.settings_dict,
        )
        return
    connection.ensure_connection()
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        source.backup(connection.connection)
    except sqlite3.Error as error:
        raise BackupError(f"SQLite could not restore {path}: {error}") from error
    finally:
        source.close()


def _client_environment(settings_dict: dict) -> dict:
    """libpq's variables for the configured database, as Django's `dbshell` passes them."""
    client = load_backend(settings_dict["ENGINE"]).DatabaseWrapper.client_class
    _args, env = client.settings_to_cmd_args_env(settings_dict, [])
    environment = dict(env or {})
    for setting, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if settings_dict.get(setting):
            environment[variable] = str(settings_dict[setting])
    return environment


def _run_client(program: str, arguments: list[str], settings_dict: dict) -> None:
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(
            f"{program} is not installed: install the PostgreSQL client programs of the "
            "server's major version (Debian: postgresql-client-15)."
        )
    result = subprocess.run(  # noqa: S603 (our own arguments, no shell)
        [executable, *arguments],
        env={**os.environ, **_client_environment(settings_dict)},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"{program} failed: {result.stderr.strip() or result.returncode}")


@contextmanager
def fresh_database():
    """A new, empty database beside the configured one (same server, or a temporary
    SQLite file), dropped on leaving; yields its settings."""
    _outside_transactions()
    settings_dict = copy.deepcopy(connection.settings_dict)
    if engine() == "sqlite":
        with TemporaryDirectory(prefix="r2p-drill-db-") as folder:
            settings_dict["NAME"] = str(Path(folder) / "restored.sqlite3")
            yield settings_dict
        return
    suffix = f"_drill_{secrets.token_hex(4)}"
    name = settings_dict["NAME"][: MAX_NAME_LENGTH - len(suffix)] + suffix
    with connection.cursor() as cursor:
        # The dump's own encoding and collation, from template0 so nothing is added.
        cursor.execute(
            "SELECT pg_encoding_to_char(encoding), datcollate, datctype FROM pg_database "
            "WHERE datname = current_database()"
        )
        encoding, collate, ctype = cursor.fetchone()
        # Utility statements take no bind parameters: literals, read from the catalogue.
        cursor.execute(
            f"CREATE DATABASE {quote(name)} TEMPLATE template0 ENCODING {literal(encoding)} "
            f"LC_COLLATE {literal(collate)} LC_CTYPE {literal(ctype)}"
        )
    settings_dict["NAME"] = name
    try:
        yield settings_dict
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)} WITH (FORCE)")


@contextmanager
def connected_to(settings_dict: dict):
    """Make `settings_dict` the default database of this process (the ORM, the test
    client, the cache) until leaving; the configured one is left open and untouched."""
    original = connections[DEFAULT_DB_ALIAS]
    swapped = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, DEFAULT_DB_ALIAS)
    connections[DEFAULT_DB_ALIAS] = swapped
    # Content types are cached by id per alias: the other database may number them apart.
    ContentType.objects.clear_cache()
    try:
        yield swapped
    finally:
        swapped.close()
        connections[DEFAULT_DB_ALIAS] = original
        ContentType.objects.clear_cache()
