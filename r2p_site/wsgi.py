"""
WSGI config for r2p_site project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "r2p_site.settings")

application = get_wsgi_application()

# Before the first request rather than during it (r2p_site/warm.py).
from r2p_site.warm import warm  # noqa: E402

warm()
