# The delegations' tables take this app's names, and so do their content types and
# permissions: every row stays where it is, the Secretariat group keeps the permissions
# it held, and the admin's history keeps pointing at its objects.

from django.db import migrations, models

# (old app, old model) -> (new app, new model)
MOVED = {
    ("assessments", "memberstate"): ("delegations", "memberstate"),
    ("assessments", "delegationmember"): ("delegations", "member"),
    ("accounts", "invitation"): ("delegations", "invitation"),
    ("accounts", "membershipchange"): ("delegations", "memberchange"),
}
ACTIONS = ("add", "change", "delete", "view")


def _rename(apps, renames):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    LogEntry = apps.get_model("admin", "LogEntry")
    for (old_app, old_model), (new_app, new_model) in renames.items():
        old = ContentType.objects.filter(app_label=old_app, model=old_model).first()
        if old is None:
            continue  # a database migrated before any content type was made
        new = ContentType.objects.filter(app_label=new_app, model=new_model).first()
        if new is None:
            old.app_label, old.model = new_app, new_model
            old.save(update_fields=["app_label", "model"])
            for action in ACTIONS:
                Permission.objects.filter(
                    content_type=old, codename=f"{action}_{old_model}"
                ).update(codename=f"{action}_{new_model}")
            continue
        # A data migration that ran after 0001 made the new ones already (it creates the
        # permissions of every model of its state): what pointed at the old ones moves
        # to them, then the old ones go.
        for action in ACTIONS:
            before = Permission.objects.filter(content_type=old, codename=f"{action}_{old_model}")
            after = Permission.objects.filter(content_type=new, codename=f"{action}_{new_model}")
            before, after = before.first(), after.first()
            if before is None or after is None:
                continue
            for group in before.group_set.all():
                group.permissions.add(after)
            for user in before.user_set.all():
                user.user_permissions.add(after)
            before.delete()
        LogEntry.objects.filter(content_type=old).update(content_type=new)
        old.delete()


def forwards(apps, schema_editor):
    _rename(apps, MOVED)


def backwards(apps, schema_editor):
    _rename(apps, {new: old for old, new in MOVED.items()})


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0008_delegations"),
        ("assessments", "0019_delegations"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("delegations", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelTable(name="memberstate", table=None),
        migrations.AlterModelTable(name="member", table=None),
        migrations.AlterModelTable(name="invitation", table=None),
        migrations.AlterModelTable(name="memberchange", table=None),
        migrations.RemoveConstraint(
            model_name="memberchange", name="membership_change_action_valid"
        ),
        migrations.AddConstraint(
            model_name="memberchange",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "action__in",
                        [
                            "invited",
                            "invitation_accepted",
                            "invitation_revoked",
                            "unusable_link_opened",
                            "member_removed",
                            "focal_point_handed_over",
                            "member_added",
                            "member_changed",
                        ],
                    )
                ),
                name="member_change_action_valid",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
