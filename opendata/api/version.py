"""The catalogue version: when what the public API and the downloads show last changed.

One row (`CatalogueVersion`) counts the writes to the tables they read and stamps the
time of the last, and database triggers keep it: every INSERT, UPDATE or DELETE on those
tables (TRUNCATE too, on PostgreSQL) bumps it in the same transaction. A conditional
request is then answered from that row alone, one primary-key read, and a download or
a cached page is keyed by it.

Triggers rather than signals: the catalogue is mostly written in bulk (official
translations are imported with `bulk_create` and `bulk_update`, themes loaded with
`bulk_create`, fixtures, data migrations, the `real_catalogue` of the tests), where no
signal is sent, so a counter kept by signals would miss the very changes that matter. A
latest-change time read from the tables would need a timestamp column on each, which
they do not have, and would still miss a deletion. A trigger sees every write, whoever
makes it, on both databases.

SQLite drops a table's triggers when a migration rebuilds the table, so they are
installed after every `migrate` (and `flush`), where missing, and the version bumped:
a migration may have changed the data before its triggers were back.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import connections
from django.db.models import F
from django.utils import timezone
from django.utils.http import quote_etag

from assessments.models import Cycle, CycleTranslation
from catalogue.models import (
    Recommendation,
    RecommendationTranslation,
    Report,
    ReportTranslation,
    Section,
    Target,
    Theme,
    ThemeLink,
    ThemeTranslation,
)
from delegations.models import MemberState

from ..models import CatalogueVersion

# What the API and the downloads read. A model added to what they show is added here.
PUBLISHED_MODELS = (
    Target,
    Report,
    ReportTranslation,
    Section,
    Recommendation,
    RecommendationTranslation,
    Theme,
    ThemeTranslation,
    ThemeLink,
    MemberState,
    Cycle,
    CycleTranslation,
    Cycle.reports.through,
)

# Bumped when the shape of what the API serves changes, so that a client's stored ETag
# of the old shape no longer matches.
REPRESENTATION = 1

TRIGGER_PREFIX = "opendata_version_v1"
VERSION_TABLE = CatalogueVersion._meta.db_table
PG_FUNCTION = "opendata_catalogue_changed"


@dataclass(frozen=True)
class Version:
    counter: int
    changed_at: datetime

    @property
    def token(self) -> str:
        """Different for every state of the published tables: the counter, and the time
        so that a database emptied and filled again (its counter restarting) never
        repeats an earlier token."""
        return f"{REPRESENTATION}-{self.counter}-{int(self.changed_at.timestamp() * 1_000_000)}"

    def etag(self, language: str) -> str:
        """The entity tag of an answer in `language`: a few answers say something in
        the visitor's language (the downloads' source note), so a copy in one language
        is never confirmed as current for another."""
        return quote_etag(f"{self.token}-{language}")

    @property
    def last_modified(self) -> int:
        return int(self.changed_at.timestamp())


def catalogue_version() -> Version:
    """The version now: one query."""
    row = CatalogueVersion.objects.filter(pk=1).values_list("counter", "changed_at").first()
    if row is None:
        # Emptied by a `flush` (tests) before `post_migrate` made it again.
        version, _created = CatalogueVersion.objects.get_or_create(pk=1)
        row = (version.counter, version.changed_at)
    return Version(*row)


def published_tables() -> list[str]:
    return [model._meta.db_table for model in PUBLISHED_MODELS]


def install_triggers(using: str = "default") -> list[str]:
    """Install the triggers missing on the published tables (those that exist), and
    return the tables they were installed on."""
    connection = connections[using]
    with connection.cursor() as cursor:
        existing_tables = set(connection.introspection.table_names(cursor))
        if VERSION_TABLE not in existing_tables:
            return []
        tables = [table for table in published_tables() if table in existing_tables]
        if connection.vendor == "sqlite":
            return _install_sqlite(cursor, tables)
        if connection.vendor == "postgresql":
            return _install_postgresql(cursor, tables)
    raise NotImplementedError(f"No catalogue version triggers for {connection.vendor}.")


def _install_sqlite(cursor, tables: list[str]) -> list[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    present = {name for (name,) in cursor.fetchall()}
    installed = []
    for table in tables:
        for operation in ("INSERT", "UPDATE", "DELETE"):
            name = f"{TRIGGER_PREFIX}_{table}_{operation.lower()}"
            if name in present:
                continue
            # Milliseconds, as Django reads a SQLite datetime back. Names from the models.
            cursor.execute(
                f'CREATE TRIGGER "{name}" AFTER {operation} ON "{table}" BEGIN '  # noqa: S608
                f'UPDATE "{VERSION_TABLE}" SET counter = counter + 1, '
                "changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now'); END"
            )
            installed.append(table)
    return sorted(set(installed))


def _install_postgresql(cursor, tables: list[str]) -> list[str]:
    # clock_timestamp(), not now(): the time of the write, not of its transaction's start.
    cursor.execute(
        f"CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "  # noqa: S608
        f'BEGIN UPDATE "{VERSION_TABLE}" SET counter = counter + 1, '
        "changed_at = clock_timestamp(); RETURN NULL; END $$"
    )
    cursor.execute(
        "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE t.tgname = %s",
        [TRIGGER_PREFIX],
    )
    present = {name for (name,) in cursor.fetchall()}
    installed = []
    for table in tables:
        if table in present:
            continue
        # Once per statement: an import of 400 translations bumps the version once.
        cursor.execute(
            f'CREATE TRIGGER "{TRIGGER_PREFIX}" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE '
            f'ON "{table}" FOR EACH STATEMENT EXECUTE FUNCTION {PG_FUNCTION}()'
        )
        installed.append(table)
    return installed


def catalogue_version_bump(*, using: str = "default") -> None:
    """Count a change made where no trigger saw it (a migration)."""
    CatalogueVersion.objects.using(using).get_or_create(pk=1)
    CatalogueVersion.objects.using(using).filter(pk=1).update(
        counter=F("counter") + 1, changed_at=timezone.now()
    )


def after_migrate(sender, using: str = "default", **kwargs) -> None:
    """`post_migrate`: the triggers back where a migration dropped them, and a new version."""
    if VERSION_TABLE not in connections[using].introspection.table_names():
        return  # opendata migrated back to zero
    install_triggers(using)
    catalogue_version_bump(using=using)
