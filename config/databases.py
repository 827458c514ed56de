"""Databases on DATABASE_URL's server: the configured one made if missing, and throw-away ones
for benchmarks and browser tests."""

import os
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql


def _maintenance_connection():
    # The configured database may not exist yet, the maintenance one does.
    parts = urlsplit(os.environ["DATABASE_URL"])
    return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)


def ensure_database() -> None:
    """Create DATABASE_URL's database when the server does not have it yet."""
    name = urlsplit(os.environ["DATABASE_URL"]).path.lstrip("/")
    with _maintenance_connection() as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def fresh_database(name: str) -> str:
    """Drop and recreate database `name` on DATABASE_URL's server; return its URL."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    with _maintenance_connection() as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return urlunsplit(parts._replace(path=f"/{name}"))
