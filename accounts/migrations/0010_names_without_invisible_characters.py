# Names refuse line breaks, tabs and invisible format characters (bidirectional overrides)
# from now on. Rows that hold some stay as they are, readable; the next change of such an
# account asks for the name without them.

import accounts.validators
import r2p_site.fonts
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0009_recovery_codes_hashed"),
    ]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="first_name",
            field=models.CharField(
                blank=True,
                max_length=150,
                validators=[
                    r2p_site.fonts.validate_printable,
                    accounts.validators.validate_person_name,
                ],
                verbose_name="first name",
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="last_name",
            field=models.CharField(
                blank=True,
                max_length=150,
                validators=[
                    r2p_site.fonts.validate_printable,
                    accounts.validators.validate_person_name,
                ],
                verbose_name="last name",
            ),
        ),
    ]
