"""The catalogue version: every write to a published table changes it, bulk writes and
plain SQL included, on both databases; reading it is one query."""

import pytest
from django.db import connection
from django.db.models import F

from assessments.models import CycleTranslation
from catalogue.models import Recommendation, RecommendationTranslation, Theme, ThemeLink
from delegations.models import MemberState
from opendata.api.version import (
    TRIGGER_PREFIX,
    after_migrate,
    catalogue_version,
    install_triggers,
    published_tables,
)

pytestmark = pytest.mark.django_db


def changes(write) -> bool:
    before = catalogue_version()
    write()
    after = catalogue_version()
    return after.token != before.token and after.counter > before.counter


def test_reading_the_version_is_one_query(catalogue, django_assert_num_queries):
    with django_assert_num_queries(1):
        catalogue_version()


def test_bulk_writes_change_the_version_where_signals_would_see_nothing(catalogue):
    """The official translations are imported with bulk_create and bulk_update, themes
    loaded with bulk_create: no signal is sent for either."""
    first = Recommendation.objects.get(code="2013-MS-01")
    assert changes(
        lambda: RecommendationTranslation.objects.bulk_create(
            [RecommendationTranslation(recommendation=first, language="fr", text="Un texte.")]
        )
    )
    translation = RecommendationTranslation.objects.get()
    translation.text = "Un autre texte."
    assert changes(lambda: RecommendationTranslation.objects.bulk_update([translation], ["text"]))
    assert changes(lambda: Recommendation.objects.filter(pk=first.pk).update(text=F("text")))
    theme = Theme.objects.create(name="Early warning", slug="early-warning")
    assert changes(
        lambda: ThemeLink.objects.bulk_create(
            [ThemeLink(theme=theme, recommendation=first, reason="It asks for it.")]
        )
    )
    assert changes(lambda: RecommendationTranslation.objects.all().delete())


def test_plain_sql_changes_the_version(catalogue):
    table = Recommendation._meta.db_table
    with connection.cursor() as cursor:
        before = catalogue_version()
        cursor.execute(f"UPDATE {table} SET text = text || '.'")  # noqa: S608
    assert catalogue_version().counter > before.counter


def test_member_states_and_cycles_are_published_tables(cycle):
    assert changes(
        lambda: MemberState.objects.create(
            iso3="NOR", name="Norway", regional_group="western_european_other"
        )
    )
    assert changes(
        lambda: CycleTranslation.objects.create(cycle=cycle, language="fr", name="Débat")
    )
    assert changes(lambda: cycle.reports.clear())


def test_a_write_elsewhere_leaves_the_version_alone(catalogue, django_user_model):
    assert not changes(lambda: django_user_model.objects.create_user("someone"))


def test_every_published_table_has_its_triggers_after_migrate():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE %s",
                [f"{TRIGGER_PREFIX}%"],
            )
        else:
            cursor.execute(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname = %s",
                [TRIGGER_PREFIX],
            )
        tables = {name for (name,) in cursor.fetchall()}
    assert tables == set(published_tables())


def test_a_trigger_dropped_by_a_migration_is_put_back_and_the_version_bumped(catalogue):
    """SQLite drops a table's triggers when a migration rebuilds the table."""
    table = Recommendation._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f'DROP TRIGGER "{TRIGGER_PREFIX}_{table}_update"')
        else:
            cursor.execute(f'DROP TRIGGER "{TRIGGER_PREFIX}" ON "{table}"')
    assert not changes(lambda: Recommendation.objects.update(text=F("text")))

    before = catalogue_version()
    after_migrate(sender=None, using="default")
    assert catalogue_version().counter > before.counter
    assert changes(lambda: Recommendation.objects.update(text=F("text")))
    assert install_triggers() == []  # all there: nothing installed twice
