from django.db import migrations

from r2p_site.roles import SECRETARIAT_GROUP, grant_group_permissions

PERMISSIONS = {
    "assessments": [
        "add_cycletranslation",
        "change_cycletranslation",
        "delete_cycletranslation",
        "view_cycletranslation",
    ]
}


def grant(apps, schema_editor):
    grant_group_permissions(apps, SECRETARIAT_GROUP, PERMISSIONS)


class Migration(migrations.Migration):
    """The secretariat, who names cycles, names them in the other UN languages too."""

    dependencies = [("assessments", "0020_cycle_translations")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
