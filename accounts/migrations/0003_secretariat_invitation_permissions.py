from django.db import migrations

from r2p_site.roles import SECRETARIAT_GROUP, grant_group_permissions

# The secretariat invites focal points (and revokes its invitations: the admin's
# revoke action asks for add_invitation, not change) and reads the membership log.
# Nothing here changes an account.
PERMISSIONS = {"accounts": ["add_invitation", "view_invitation", "view_membershipchange"]}


def grant(apps, schema_editor):
    grant_group_permissions(apps, SECRETARIAT_GROUP, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_invitations"),
        ("assessments", "0010_evidence_totals"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
