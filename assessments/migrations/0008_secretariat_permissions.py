from django.db import migrations

from r2p_site.roles import SECRETARIAT_GROUP, set_group_permissions

# Everything the Secretariat group holds from now on, and nothing else: it reviews
# assessments, opens cycles, adds new reports to the catalogue and manages who
# belongs to which delegation. It reads users (to pick delegation members) but no
# longer adds or changes them (0002 gave it add_user and change_user, with which the
# stock user admin let it make anyone, itself included, superuser). Groups and
# permissions are never the secretariat's to change.
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
        "add_cycle", "change_cycle", "view_cycle",
        "view_assessment", "review_assessment",
        "view_response", "view_responsechange", "view_attachment", "view_submission",
    ],
    "accounts": ["view_user"],
}


def restrict(apps, schema_editor):
    set_group_permissions(apps, SECRETARIAT_GROUP, SECRETARIAT_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0007_submission_pdf_attempts"),
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    # Migrating back keeps the narrower set: giving the group add_user and
    # change_user again would reopen the way to superuser, and the older code works
    # without them (the secretariat just cannot edit accounts).
    operations = [migrations.RunPython(restrict, migrations.RunPython.noop)]
