# Recovery codes are kept as salted hashes (accounts.RecoveryCode) instead of django-otp's
# StaticTokens, which hold them in clear. The codes people hold keep working: each
# StaticToken is hashed into a RecoveryCode of the same device, then deleted.

import django.db.models.deletion
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from django.db import migrations, models


class _RecoveryCodeHasher(PBKDF2PasswordHasher):
    # As accounts.recovery_codes.RecoveryCodeHasher was when this migration was written;
    # the format records the iterations, so later changes there still verify these.
    iterations = 20_000


def _normalise(code):
    return "".join(code.split()).replace("-", "").lower()


def hash_static_tokens(apps, schema_editor):
    StaticToken = apps.get_model("otp_static", "StaticToken")
    RecoveryCode = apps.get_model("accounts", "RecoveryCode")
    hasher = _RecoveryCodeHasher()
    tokens = StaticToken.objects.order_by("pk")
    RecoveryCode.objects.bulk_create(
        [
            RecoveryCode(device_id=token.device_id, code_hash=make_password(code, hasher=hasher))
            for token in tokens.iterator()
            if (code := _normalise(token.token))
        ],
        batch_size=500,
    )
    tokens.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_delegations"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [
        migrations.CreateModel(
            name="RecoveryCode",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code_hash", models.CharField(max_length=128, verbose_name="code hash")),
                (
                    "device",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="recovery_codes",
                        to="otp_static.staticdevice",
                        verbose_name="device",
                    ),
                ),
            ],
            options={
                "verbose_name": "recovery code",
                "verbose_name_plural": "recovery codes",
            },
        ),
        # Hashes cannot be turned back into codes: going back leaves people without
        # recovery codes, and they make new ones.
        migrations.RunPython(hash_static_tokens, migrations.RunPython.noop),
    ]
