import logging
import os

from celery.beat import PersistentScheduler
from tenant_schemas_celery.app import CeleryApp, get_schema_name_from_task
from tenant_schemas_celery.task import TenantTask

from apps.common.schemas import current_schema

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
logger = logging.getLogger(__name__)


class BrandTask(TenantTask):
    """A task sent for a brand that is gone when it runs (deleted after the grace period, with
    work still queued) is dropped: the worker could not switch to its schema, and the body must
    not run in the public schema instead."""

    abstract = True

    def __call__(self, *args, **kwargs):

        wanted = get_schema_name_from_task(self, kwargs)
        if wanted and wanted != current_schema():
            logger.warning("task %s dropped: no brand has the schema %s any more", self.name, wanted)
            return None
        return super().__call__(*args, **kwargs)


# tenant-schemas-celery carries the current schema in every message and sets it in the worker.
app = CeleryApp("siyu", task_cls=BrandTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class HeartbeatScheduler(PersistentScheduler):
    """Beat's scheduler, noting on every tick that beat is alive (health: beat)."""

    def tick(self, *args, **kwargs):
        from apps.common import health

        try:
            health.heartbeat("beat")
        except Exception:  # Redis away: beat keeps scheduling; the health check will say so
            logger.warning("beat heartbeat not recorded", exc_info=True)
        return min(super().tick(*args, **kwargs), health.HEARTBEAT_SECONDS)
