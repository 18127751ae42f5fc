"""`manage.py db_worker` whose country reports take ten minutes: a rendering to kill
midway (tests/operations/test_worker_killed.py)."""

import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "r2p_site.settings")
django.setup()

from django.core.management import call_command  # noqa: E402

from assessments.documents import pdf  # noqa: E402

real = pdf.render_country_report


def slow(*args, **kwargs):
    time.sleep(600)
    return real(*args, **kwargs)


pdf.render_country_report = slow
call_command("db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2")
