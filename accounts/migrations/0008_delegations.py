# Invitations and the log of delegation changes now belong to the delegations app
# (delegations/0001); no table changes here.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0007_printable_names"),
        ("delegations", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="MembershipChange"),
                migrations.DeleteModel(name="Invitation"),
            ],
        ),
    ]
