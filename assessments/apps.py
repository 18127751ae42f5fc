import sys

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments")

    def ready(self):
        # The task worker warms itself at start as the web processes do (wsgi.py): its
        # first notice or rendering would otherwise load the fonts and templates cold.
        if "db_worker" in sys.argv[1:2]:
            from r2p_site.warm import warm

            warm()
