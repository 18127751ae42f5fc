# Member States and their delegations' members now belong to the delegations app
# (delegations/0001): the assessments' references follow them; no table changes here.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("assessments", "0018_printable_names"),
        ("delegations", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="assessment",
                    name="member_state",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="assessments",
                        to="delegations.memberstate",
                        verbose_name="Member State",
                    ),
                ),
                migrations.AlterField(
                    model_name="extension",
                    name="member_state",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="extensions",
                        to="delegations.memberstate",
                        verbose_name="Member State",
                    ),
                ),
                migrations.AlterField(
                    model_name="emailrecord",
                    name="member_state",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="delegations.memberstate",
                        verbose_name="Member State",
                    ),
                ),
                migrations.DeleteModel(name="DelegationMember"),
                migrations.DeleteModel(name="MemberState"),
            ],
        ),
    ]
