"""The scheduler's fan-out: beat runs one task in the public schema, which sends the real job to
every active brand, each message carrying that brand's schema (tenant-schemas-celery)."""

from django_tenants.utils import schema_context

from apps.common import health
from apps.tenants.models import Brand
from config.celery import app


@app.task(acks_late=True)
def for_each_brand(task_name: str, *args) -> int:
    brands = Brand.objects.filter(kind=Brand.Kind.BRAND, status=Brand.Status.ACTIVE).values_list(
        "schema_name", flat=True
    )
    sent = 0
    for schema_name in brands:
        with schema_context(schema_name):
            app.send_task(task_name, args=args)
        sent += 1
    return sent


@app.task(ignore_result=True, expires=health.HEARTBEAT_SECONDS)
def heartbeat() -> None:
    """Sent by beat every 30 s: a worker that runs it is alive and consuming (health: worker)."""
    health.heartbeat("worker")
