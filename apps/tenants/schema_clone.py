"""Create a brand's schema as an exact copy of the template schema, in constant time.

django-tenants' generic clone_schema() walks the whole catalog and slows down as brands (and so
schemas) accumulate. The template only changes when migrations do, so we take pg_dump's exact
DDL and reference data of it once per template version, keep that script in memory, and replay
it with the schema name swapped: a few dozen statements however many brands exist. If pg_dump
cannot be used (e.g. the server is newer than the bundled client) we fall back to
django-tenants' clone.
"""

from __future__ import annotations

import logging
import re
import subprocess

from django.db import connection
from django_tenants.clone import CloneSchema
from psycopg import sql

from apps.tenants import pg_tools

logger = logging.getLogger(__name__)

_script_cache: dict[tuple, str] = {}
_SKIPPED_LINE = re.compile(r"^(SET |SELECT pg_catalog\.set_config|--|\\)")


def _template_version(template: str) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("SELECT count(*), max(id) FROM {}.django_migrations").format(sql.Identifier(template)))
        return (template, *cursor.fetchone())


def _dump_template(template: str) -> str:
    result = pg_tools.run(
        "pg_dump", "--schema", template, "--inserts", "--no-owner", "--no-privileges", "--no-comments", timeout=60
    )
    lines = [line for line in result.stdout.splitlines() if not _SKIPPED_LINE.match(line)]
    return "\n".join(lines)


def _clone_script(template: str) -> str:
    version = _template_version(template)
    if version not in _script_cache:
        _script_cache.clear()
        _script_cache[version] = _dump_template(template)
    return _script_cache[version]


def schema_clone(*, template: str, new_schema: str) -> None:
    """Create `new_schema` with the template's tables, indexes, constraints and reference rows."""
    try:
        script = _clone_script(template)
    except (OSError, subprocess.SubprocessError) as error:
        logger.warning("pg_dump unavailable (%s); using django-tenants' slower clone", error)
        CloneSchema().clone_schema(template, new_schema, "DATA", set_connection=False)
        return
    with connection.cursor() as cursor:
        quoted = sql.Identifier(new_schema).as_string(cursor.connection)
        script = re.sub(rf"\b{re.escape(template)}\b(?=[.;])", lambda _match: quoted, script)
        cursor.execute(script)
