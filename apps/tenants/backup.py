"""Backup and restore of one brand: its schema, as pg_dump's custom format.

Restore never leaves a brand half-restored: the live schema is renamed aside, the dump is
restored in a single transaction, and only then is the old schema dropped (or, if the restore
fails, renamed back)."""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context
from psycopg import sql

from apps.tenants import pg_tools
from apps.tenants.models import Brand
from apps.tenants.signals import brand_restored

log = logging.getLogger(__name__)


def brand_for(slug: str) -> Brand:
    try:
        return Brand.objects.get(slug=slug, kind=Brand.Kind.BRAND)
    except Brand.DoesNotExist:
        raise CommandError(f"no brand with the sub-domain {slug!r}; create it first to restore into it") from None


def brand_backup(*, brand: Brand, output: Path) -> Path:
    pg_tools.run(
        "pg_dump", "--schema", brand.schema_name, "--format", "custom", "--no-owner", "--no-privileges",
        "--file", str(output),
    )  # fmt: skip
    log.info("brand %s backed up to %s", brand.slug, output)
    return output


def _rename_schema(old: str, new: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(sql.Identifier(old), sql.Identifier(new)))


def _dump_check(brand: Brand, dump: Path) -> None:
    """The dump must be this brand's own backup: restoring another brand's would put that brand's
    schema back (or clash with it) and leave this one empty."""
    try:
        schemas = pg_tools.archive_schemas(dump)
    except ValueError as error:
        raise CommandError(f"restore refused, the brand is as it was: not a backup ({error})") from None
    if schemas != {brand.schema_name}:
        held = ", ".join(sorted(schemas)) or "nothing"
        raise CommandError(
            f"restore refused, the brand is as it was: this dump holds {held}, not {brand.schema_name}"
            " (another brand's backup?)"
        )


def brand_restore(*, brand: Brand, dump: Path) -> None:
    _dump_check(brand, dump)
    schema = brand.schema_name
    aside = f"{schema}_before_restore_{timezone.now():%Y%m%d%H%M%S}"[:63]
    with transaction.atomic():
        _rename_schema(schema, aside)
    try:
        pg_tools.run("pg_restore", "--single-transaction", "--no-owner", "--no-privileges", str(dump))
    except subprocess.CalledProcessError as error:
        with transaction.atomic():
            with connection.cursor() as cursor:  # whatever pg_restore created before failing
                cursor.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
            _rename_schema(aside, schema)
        raise CommandError(f"restore failed, the brand is as it was: {error.stderr.strip()[:500]}") from None
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(aside)))
    _after_restore(brand)
    log.warning("brand %s restored from %s", brand.slug, dump)


def _after_restore(brand: Brand) -> None:
    with schema_context(brand.schema_name):
        brand_restored.send(sender=Brand, brand=brand)
