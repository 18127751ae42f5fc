"""Roles as groups of model permissions, kept in step by data migrations."""

from django.contrib.auth.management import create_permissions

SECRETARIAT_GROUP = "Secretariat"


def grant_group_permissions(apps, group_name: str, permissions: dict[str, list[str]]) -> None:
    """Give a group (created if missing) the named permissions, inside a data migration.

    Permissions are normally created after all migrations ran; the group needs them now.
    """
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=group_name)
    for app_label, codenames in permissions.items():
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )
