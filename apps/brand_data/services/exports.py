"""The brand's data as one ZIP: a CSV per table (people, teams, events, messages, violations,
targets, competitions, reports, logs, the audit trail …) and a manifest with the row counts.
Secrets (password and API key hashes) stay out. Built by a worker, streamed row by row."""

from __future__ import annotations

import csv
import io
import json
import logging
import tempfile
import zipfile
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.db import connection, transaction
from django.db.models import Model, Q
from django.utils import timezone

from apps.brand_data.models import DataExport
from apps.common.spreadsheets import csv_cell
from apps.tenants.selectors import current_brand

log = logging.getLogger(__name__)

# The apps whose tables make up a brand's data; auditlog holds who changed what.
EXPORTED_APPS = ("accounts", "organisation", "kpis", "compliance", "leaderboards", "reports", "wecom", "auditlog")
# Never exported, not even sealed: passwords, API key hashes, the WeCom connection's secrets.
SECRET_FIELDS = {
    "password",
    "hashed_key",
    "secret_hash",
    "app_secret",
    "contact_secret",
    "callback_token",
    "callback_aes_key",
}
CHUNK = 5000


def exported_models() -> list[type[Model]]:
    return [
        model
        for label in EXPORTED_APPS
        for model in apps.get_app_config(label).get_models()
        if not model._meta.proxy and model._meta.managed
    ]


def _columns(model: type[Model]) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields if field.name not in SECRET_FIELDS]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _key_ids() -> dict[str, str]:
    """An API key's primary key is `prefix.hash`: wherever it appears (the key's row, the audit
    log's object_pk) the export writes the prefix alone."""
    from apps.organisation.models import ApiKey

    return dict(ApiKey.objects.values_list("id", "prefix"))


def _write_table(archive: zipfile.ZipFile, model: type[Model], key_ids: dict[str, str]) -> int:
    columns = _columns(model)
    rows = 0
    with archive.open(f"{model._meta.app_label}/{model._meta.model_name}.csv", "w") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")  # Excel opens it as UTF-8
        writer = csv.writer(text)
        writer.writerow(columns)
        for values in model._default_manager.order_by("pk").values_list(*columns).iterator(chunk_size=CHUNK):
            writer.writerow(
                [csv_cell(_cell(key_ids.get(value, value) if isinstance(value, str) else value)) for value in values]
            )
            rows += 1
        text.flush()
        text.detach()
    return rows


@contextmanager
def _snapshot():
    """One snapshot for every table, so that the files agree with each other."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def export_request(*, user) -> DataExport:
    from apps.brand_data.tasks import build_export
    from apps.common.queue import send_on_commit_or_leave_to_sweep

    export = DataExport.objects.create(requested_by=user)
    send_on_commit_or_leave_to_sweep(build_export, export.pk)
    return export


def export_build(*, export_id: int) -> DataExport:
    """Write the archive; run again after a crash, it starts over (the file is replaced)."""
    export = DataExport.objects.get(pk=export_id)
    if export.status == DataExport.Status.DONE:
        return export
    DataExport.objects.filter(pk=export.pk).update(status=DataExport.Status.RUNNING)
    brand = current_brand()
    counts: dict[str, int] = {}
    try:
        with tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR) as spool:
            with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive, _snapshot():
                key_ids = _key_ids()
                for model in exported_models():
                    name = f"{model._meta.app_label}/{model._meta.model_name}.csv"
                    counts[name] = _write_table(archive, model, key_ids)
                manifest = {
                    "brand": {"name": brand.name, "slug": brand.slug, "schema": brand.schema_name},
                    "generated_at": timezone.now().isoformat(),
                    "tables": counts,
                    "omitted": sorted(SECRET_FIELDS),
                    "api_key_ids": "written as the key's prefix",
                }
                archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
            spool.seek(0)
            export.file.save(f"{brand.slug}-{timezone.now():%Y%m%d-%H%M%S}.zip", File(spool), save=False)
    except Exception as error:
        log.exception("export %s failed", export.pk)
        DataExport.objects.filter(pk=export.pk).update(status=DataExport.Status.FAILED, error=str(error)[:2000])
        raise
    export.status, export.counts, export.size = DataExport.Status.DONE, counts, export.file.size
    export.finished_at = timezone.now()
    export.save(update_fields=["status", "counts", "size", "file", "finished_at"])
    return export


PENDING_GRACE = timedelta(minutes=2)  # the task sent at request time should have started by then
RUNNING_LIMIT = timedelta(hours=1)  # a build still "running" after this lost its worker
KEPT_FOR = timedelta(days=7)


def exports_sweep() -> int:
    from apps.brand_data.tasks import build_export

    now = timezone.now()
    stuck = DataExport.objects.filter(
        Q(status=DataExport.Status.PENDING, created_at__lt=now - PENDING_GRACE)
        | Q(status=DataExport.Status.RUNNING, created_at__lt=now - RUNNING_LIMIT)
    )
    for export_id in stuck.values_list("pk", flat=True):
        build_export.delay(export_id)
    for export in DataExport.objects.filter(created_at__lt=now - KEPT_FOR):
        export.file.delete(save=False)
        export.delete()
    return len(stuck)
