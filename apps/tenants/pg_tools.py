"""Running PostgreSQL's own client programs (pg_dump, pg_restore) against the configured database,
with the binaries shipped by pgserver (the same major version as the embedded server)."""

from __future__ import annotations

import os
import subprocess

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
