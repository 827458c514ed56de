import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Load both URLconfs (and with them every view, DRF and the schema generator) while the worker
# boots: otherwise each worker's first request pays ~0.6 s of imports.
for urlconf in (settings.ROOT_URLCONF, settings.PUBLIC_SCHEMA_URLCONF):
    get_resolver(urlconf).url_patterns  # noqa: B018 (imported for its side effect)
