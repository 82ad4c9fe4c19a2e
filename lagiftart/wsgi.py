"""WSGI entry point: gunicorn serves `lagiftart.wsgi:application` (see gunicorn.conf.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lagiftart.settings")

application = get_wsgi_application()
