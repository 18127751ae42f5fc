from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    # The default of this module, which also holds the admin's config below.
    default = True
    name = "accounts"
    verbose_name = _("Accounts")


class SecretariatAdminConfig(admin_apps.AdminConfig):
    """Django's admin app, with a site that lets staff in only after the second step.

    Installed in place of `django.contrib.admin`, so that `admin.site` and every
    `@admin.register` use that site.
    """

    default = False
    default_site = "accounts.admin_site.SecretariatAdminSite"
