"""Running PostgreSQL's own client programs (pg_dump, pg_restore) against the configured database,
with the binaries shipped by pgserver (the same major version as the embedded server)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from django.conf import settings

from config.embedded import postgres_client


def run(program: str, *args: str, timeout: int = 3600, text: bool = True) -> subprocess.CompletedProcess:
    db = settings.DATABASES["default"]
    command = [postgres_client(program), "--dbname", db["NAME"], "--username", db.get("USER") or "postgres"]
    if db.get("HOST"):
        command += ["--host", db["HOST"]]
    if db.get("PORT"):
        command += ["--port", str(db["PORT"])]
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    return subprocess.run([*command, *args], capture_output=True, text=text, env=env, check=True, timeout=timeout)


# A line of `pg_restore --list`: "216; 1259 16387 TABLE DATA brand_x accounts_user postgres".
_TOC_ENTRY = re.compile(r"^\d+; \d+ \d+ ([A-Z]+(?: [A-Z]+)*) (\S+) (\S+)")


def archive_schemas(dump: Path) -> set[str]:
    """Every schema a pg_dump archive creates or puts something in; ValueError if it is not one."""
    try:
        listing = subprocess.run(
            [postgres_client("pg_restore"), "--list", str(dump)],
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        ).stdout
    except subprocess.CalledProcessError as error:
        raise ValueError(error.stderr.strip()[:300] or "not a pg_dump archive") from None
    schemas = set()
    for line in listing.splitlines():
        entry = _TOC_ENTRY.match(line)
        if entry:
            kind, schema, name = entry.groups()
            schemas.add(name if kind == "SCHEMA" else schema)
    schemas.discard("-")
    return schemas
