import logging
import os

from celery.beat import PersistentScheduler
from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# tenant-schemas-celery carries the current schema in every message and sets it in the worker.
app = CeleryApp("siyu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
logger = logging.getLogger(__name__)


class HeartbeatScheduler(PersistentScheduler):
    """Beat's scheduler, noting on every tick that beat is alive (health: beat)."""

    def tick(self, *args, **kwargs):
        from apps.common import health

        try:
            health.heartbeat("beat")
        except Exception:  # Redis away: beat keeps scheduling; the health check will say so
            logger.warning("beat heartbeat not recorded", exc_info=True)
        return min(super().tick(*args, **kwargs), health.HEARTBEAT_SECONDS)
