"""The names of the States already loaded, in five languages from the CLDR; the
secretariat may now correct them (change on Member States: the names only, see admin)
and read the record of corrections.

A database loaded later gets its names from `load_reference_data`
(delegations.services.state_names_fill_missing)."""

from django.db import migrations

from delegations.cldr import cldr_names
from r2p_site.roles import SECRETARIAT_GROUP, grant_group_permissions


def fill_names(apps, schema_editor):
    MemberState = apps.get_model("delegations", "MemberState")
    for state in MemberState.objects.all():
        found = cldr_names(state.iso3)
        changed = [
            f"name_{language}"
            for language, name in found.items()
            if name and not getattr(state, f"name_{language}")
        ]
        for field in changed:
            setattr(state, field, found[field.removeprefix("name_")])
        if changed:
            state.save(update_fields=changed)


NAME_CORRECTIONS = ["change_memberstate", "view_memberstatenamechange"]


def grant_name_corrections(apps, schema_editor):
    grant_group_permissions(apps, SECRETARIAT_GROUP, {"delegations": NAME_CORRECTIONS})


def withdraw_name_corrections(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=SECRETARIAT_GROUP):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="delegations", codename__in=NAME_CORRECTIONS
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("delegations", "0003_member_state_names"),
    ]

    operations = [
        migrations.RunPython(fill_names, migrations.RunPython.noop),
        migrations.RunPython(grant_name_corrections, withdraw_name_corrections),
    ]
