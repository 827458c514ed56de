import subprocess

from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_context

from apps.organisation.models import Team
from apps.tenants import schema_clone

TEMPLATE = settings.TENANT_BASE_SCHEMA


def _shape(schema):
    """Tables, columns, indexes and constraints of a schema, with the schema name taken out."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, data_type, is_nullable, column_default, is_identity "
            "FROM information_schema.columns WHERE table_schema = %s ORDER BY 1, 2",
            [schema],
        )
        columns = cursor.fetchall()
        cursor.execute(
            "SELECT indexname, replace(indexdef, %s, '') FROM pg_indexes WHERE schemaname = %s ORDER BY 1",
            [schema + ".", schema],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, contype, replace(pg_get_constraintdef(c.oid), %s, '') FROM pg_constraint c "
            "JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = %s ORDER BY 1",
            [schema + ".", schema],
        )
        constraints = cursor.fetchall()
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations ORDER BY app, name')  # noqa: S608
        migrations = cursor.fetchall()
    return columns, indexes, constraints, migrations


def test_a_cloned_schema_is_identical_to_the_template(alpha):
    assert _shape(alpha.brand.schema_name) == _shape(TEMPLATE)


def test_a_cloned_schema_is_usable_and_isolated(db):
    schema_clone.schema_clone(template=TEMPLATE, new_schema="brand_clone_probe")
    with schema_context("brand_clone_probe"):
        team = Team.objects.create(name="克隆测试", kind=Team.Kind.STORE)
        assert team.pk == 1  # identity sequences start fresh, not from the template's
    with schema_context(TEMPLATE):
        assert not Team.objects.exists()


def test_falls_back_to_django_tenants_clone_without_pg_dump(db, monkeypatch):
    def no_pg_dump(*args, **kwargs):
        raise FileNotFoundError("pg_dump")

    monkeypatch.setattr(schema_clone, "_script_cache", {})
    monkeypatch.setattr(subprocess, "run", no_pg_dump)
    schema_clone.schema_clone(template=TEMPLATE, new_schema="brand_fallback_probe")
    with schema_context("brand_fallback_probe"):
        assert Team.objects.count() == 0
