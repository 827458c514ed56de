"""migrate_schemas leaves alone the schemas that already have every migration on disk."""

from django.db import connection
from psycopg import sql

from apps.tenants.migration_executor import schemas_behind


def test_current_schemas_are_skipped_and_one_missing_a_migration_is_not(alpha, beta):
    schemas = [alpha.brand.schema_name, beta.brand.schema_name]
    assert schemas_behind(schemas) == []
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("DELETE FROM {}.django_migrations WHERE app = 'reports' AND name LIKE '0001%%'").format(
                sql.Identifier(beta.brand.schema_name)
            )
        )
        assert cursor.rowcount == 1
    assert schemas_behind(schemas) == [beta.brand.schema_name]
    assert schemas_behind(["no_such_schema"]) == ["no_such_schema"]
