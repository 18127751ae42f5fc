from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "opendata"
    verbose_name = _("Open data")

    def ready(self):
        from .api.version import after_migrate

        # The catalogue version's triggers, after every migrate (api/version.py says why).
        post_migrate.connect(after_migrate, sender=self, dispatch_uid="opendata_catalogue_version")
