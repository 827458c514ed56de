"""What Citus schema-based sharding needs of us (README, "Scaling out"): a brand's tables keep no
foreign key into the public schema, so each brand schema can live on any node, with the public
tables as reference tables."""

from django.db import connection


def test_no_brand_table_references_a_public_table(alpha):
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT source.relname, target_ns.nspname, target.relname
            FROM pg_constraint c
            JOIN pg_class source ON source.oid = c.conrelid
            JOIN pg_namespace source_ns ON source_ns.oid = source.relnamespace
            JOIN pg_class target ON target.oid = c.confrelid
            JOIN pg_namespace target_ns ON target_ns.oid = target.relnamespace
            WHERE c.contype = 'f' AND source_ns.nspname = %s AND target_ns.nspname <> source_ns.nspname
            """,
            [alpha.brand.schema_name],
        )
        assert cursor.fetchall() == []
        cursor.execute(
            "SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
            "WHERE c.contype = 'f' AND n.nspname = %s",
            [alpha.brand.schema_name],
        )
        assert cursor.fetchone()[0] > 20  # the brand's own foreign keys are there, and were looked at
