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


def brand_restore(*, brand: Brand, dump: Path) -> None:
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
    """Live boards in Redis describe the data before the restore: rebuild them from PostgreSQL."""
    from apps.leaderboards.services.live import boards_resync

    with schema_context(brand.schema_name):
        boards_resync(older_than=0)
