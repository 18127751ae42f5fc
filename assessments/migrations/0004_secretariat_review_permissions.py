from django.db import migrations

from r2p_site.roles import grant_group_permissions

# The secretariat opens cycles, follows and reviews assessments; it never edits a
# delegation's answers.
SECRETARIAT_PERMISSIONS = {
    "assessments": [
        "add_cycle", "change_cycle", "view_cycle",
        "view_assessment", "review_assessment",
        "view_response", "view_responsechange", "view_attachment", "view_submission",
    ],
}


def grant(apps, schema_editor):
    grant_group_permissions(apps, "Secretariat", SECRETARIAT_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0003_assessments")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
