"""The scheduler's fan-out: beat runs one task in the public schema, which hands the real job to
every active brand, a group of brands per message: a periodic check that finds nothing to do
costs milliseconds, the message and a cold connection's catalog lookups cost more, so they are
paid once per group (bench/brand_creation.py measures it with 1,000 brands)."""

import logging

from django_tenants.utils import schema_context

from apps.common import health
from apps.tenants.models import Brand
from config.celery import app

log = logging.getLogger(__name__)
BRANDS_PER_TASK = 25


@app.task(acks_late=True)
def for_each_brand(task_name: str, *args) -> int:
    schemas = list(
        Brand.objects.filter(kind=Brand.Kind.BRAND, status=Brand.Status.ACTIVE)
        .order_by("pk")
        .values_list("schema_name", flat=True)
    )
    for start in range(0, len(schemas), BRANDS_PER_TASK):
        run_for_brands.delay(task_name, schemas[start : start + BRANDS_PER_TASK], *args)
    return len(schemas)


@app.task(acks_late=True)
def run_for_brands(task_name: str, schemas: list[str], *args) -> int:
    """Run one scheduled job for each brand of the group, in its schema. A brand whose run fails
    is sent on as a task of its own, which retries by that task's rules; the others go on."""
    task = app.tasks[task_name]
    body = getattr(task, "_orig_run", task.run)  # the body, without autoretry's wrapper (it needs its own request)
    done = 0
    for schema_name in schemas:
        with schema_context(schema_name):
            try:
                body(*args)
                done += 1
            except Exception:
                log.exception("%s failed for %s; sent as its own task", task_name, schema_name)
                task.delay(*args)
    return done


@app.task(ignore_result=True, expires=health.HEARTBEAT_SECONDS)
def heartbeat() -> None:
    """Sent by beat every 30 s: a worker that runs it is alive and consuming (health: worker)."""
    health.heartbeat("worker")
