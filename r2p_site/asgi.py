"""
ASGI config for r2p_site project.

It exposes the ASGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/asgi/
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "r2p_site.settings")

application = get_asgi_application()

# Before the first request rather than during it (r2p_site/warm.py).
from r2p_site.warm import warm  # noqa: E402

warm()
