"""The WSGI application `nianbao serve` hands to waitress (configure() first)."""

from __future__ import annotations

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
