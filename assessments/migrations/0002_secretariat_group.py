from django.db import migrations

from r2p_site.roles import grant_group_permissions

# The secretariat manages the catalogue and the delegations' membership, and reads
# Member States and users. Later migrations extend this set as models are added.
SECRETARIAT_PERMISSIONS = {
    "catalogue": [
        "add_report", "change_report", "view_report",
        "add_section", "change_section", "view_section",
        "add_recommendation", "change_recommendation", "view_recommendation",
        "view_target",
    ],
    "assessments": [
        "view_memberstate",
        "add_delegationmember", "change_delegationmember",
        "delete_delegationmember", "view_delegationmember",
    ],
    "accounts": ["add_user", "change_user", "view_user"],
}


def create_secretariat_group(apps, schema_editor):
    grant_group_permissions(apps, "Secretariat", SECRETARIAT_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0001_initial"),
        ("catalogue", "0001_initial"),
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_secretariat_group, migrations.RunPython.noop),
    ]
