import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# tenant-schemas-celery carries the current schema in every message and sets it in the worker.
app = CeleryApp("siyu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
