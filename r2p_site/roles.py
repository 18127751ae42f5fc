"""The site's roles as groups of model permissions, kept in step by data migrations.

Every app's migrations grant the secretariat's group the permissions of their models,
so the machinery lives here, in the project package, where any app may use it.
"""

from django.contrib.auth.management import create_permissions

SECRETARIAT_GROUP = "Secretariat"


def is_secretariat(user) -> bool:
    """Secretariat staff: staff who hold the review permission (the Secretariat group's)."""
    return user.is_active and user.is_staff and user.has_perm("assessments.review_assessment")


def _group_and_permissions(apps, group_name: str, permissions: dict[str, list[str]]):
    # Permissions are normally created after all migrations ran; the group needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=group_name)
    selected = Permission.objects.none()
    for app_label, codenames in permissions.items():
        selected |= Permission.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        )
    found = set(selected.values_list("content_type__app_label", "codename"))
    missing = {(app, code) for app, codes in permissions.items() for code in codes} - found
    if missing:
        raise ValueError(f"Unknown permissions for group {group_name}: {sorted(missing)}")
    return group, selected


def grant_group_permissions(apps, group_name: str, permissions: dict[str, list[str]]) -> None:
    """Give a group (created if missing) the named permissions, inside a data migration."""
    group, selected = _group_and_permissions(apps, group_name, permissions)
    group.permissions.add(*selected)


def set_group_permissions(apps, group_name: str, permissions: dict[str, list[str]]) -> None:
    """Make the named permissions the group's only ones, inside a data migration."""
    group, selected = _group_and_permissions(apps, group_name, permissions)
    group.permissions.set(selected)
