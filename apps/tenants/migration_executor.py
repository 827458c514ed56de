"""migrate_schemas that skips schemas already current (settings.GET_EXECUTOR_FUNCTION).

django-tenants runs Django's migrate once per schema, about half a second each even when there
is nothing to do; with a thousand brands a release with no new migration would take minutes.
One query reads every schema's applied migrations; only schemas missing one of the migrations on
disk go through the executor (standard, or `--executor=multiprocessing` for many at once). A
targeted run (an app label or migration name, --fake, --plan, --check) is never filtered."""

from __future__ import annotations

import sys

from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django_tenants import migration_executors
from psycopg import sql

TARGETED_OPTIONS = ("app_label", "migration_name", "fake", "fake_initial", "plan", "check_unapplied", "prune")


def schemas_behind(schemas: list[str]) -> list[str]:
    """The schemas that lack at least one migration on disk (or have no migration table)."""
    if not schemas:
        return []
    expected = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema FROM information_schema.tables "
            "WHERE table_name = 'django_migrations' AND table_schema = ANY(%s)",
            [list(schemas)],
        )
        tracked = [row[0] for row in cursor.fetchall()]
        applied: dict[str, set] = {schema: set() for schema in tracked}
        for start in range(0, len(tracked), 500):
            part = tracked[start : start + 500]
            query = sql.SQL(" UNION ALL ").join(
                sql.SQL("SELECT {}, app, name FROM {}.django_migrations").format(sql.Literal(s), sql.Identifier(s))
                for s in part
            )
            cursor.execute(query)
            for schema, app, name in cursor.fetchall():
                applied[schema].add((app, name))
    return [schema for schema in schemas if schema not in applied or not expected <= applied[schema]]


class SkipCurrentSchemas:
    def run_migrations(self, tenants=None):
        tenants = list(tenants or [])
        if any(self.options.get(option) for option in TARGETED_OPTIONS):
            return super().run_migrations(tenants=tenants)
        behind = schemas_behind(tenants)
        if len(behind) < len(tenants):
            sys.stdout.write(f"{len(tenants) - len(behind)} of {len(tenants)} schemas already current: skipped\n")
        if behind:
            return super().run_migrations(tenants=behind)
        return None


def get_executor(codename=None):
    base = migration_executors.get_executor(codename)
    return type(f"SkipCurrent{base.__name__}", (SkipCurrentSchemas, base), {})
