import django.utils.timezone
from django.db import migrations, models

from r2p_site.roles import SECRETARIAT_GROUP, grant_group_permissions


def first_version(apps, schema_editor):
    # The one row the triggers stamp (opendata/api/version.py installs them after every
    # migrate, since SQLite drops a table's triggers when a migration rebuilds it).
    CatalogueVersion = apps.get_model("opendata", "CatalogueVersion")
    CatalogueVersion.objects.using(schema_editor.connection.alias).get_or_create(pk=1)


def drop_version_triggers(apps, schema_editor):
    """Backwards: the triggers that write to the version table go before the table, or
    every later write to the catalogue would fail (post_migrate puts them back forward)."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                ["opendata_version_v1%"],
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
        elif connection.vendor == "postgresql":
            cursor.execute("DROP FUNCTION IF EXISTS opendata_catalogue_changed() CASCADE")


def secretariat_manages_api_keys(apps, schema_editor):
    # The secretariat creates and revokes its own keys and reads their uses. No
    # deletion: a key is revoked, and its uses stay on record.
    grant_group_permissions(
        apps,
        SECRETARIAT_GROUP,
        {
            "opendata": [
                "add_secretariatapikey",
                "change_secretariatapikey",
                "view_secretariatapikey",
                "view_apikeyuse",
            ],
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("opendata", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="CatalogueVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("counter", models.BigIntegerField(default=0, verbose_name="changes")),
                (
                    "changed_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="changed at"
                    ),
                ),
            ],
            options={
                "verbose_name": "catalogue version",
                "verbose_name_plural": "catalogue versions",
            },
        ),
        migrations.CreateModel(
            name="SecretariatApiKey",
            fields=[],
            options={
                "verbose_name": "API key",
                "verbose_name_plural": "API keys",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("rest_framework_api_key.apikey",),
        ),
        migrations.RunPython(migrations.RunPython.noop, drop_version_triggers),
        migrations.RunPython(first_version, migrations.RunPython.noop),
        migrations.RunPython(secretariat_manages_api_keys, migrations.RunPython.noop),
    ]
