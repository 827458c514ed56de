"""Shared by the benchmarks: a throw-away database, timing summaries, and BENCHMARKS.md sections."""

from __future__ import annotations

import contextlib
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from config.databases import fresh_database

ROOT = Path(__file__).resolve().parent.parent


def setup_django(database: str, *, fast_passwords: bool = True) -> None:
    """Point Django at a fresh database next to the configured one and migrate the public schema.
    `fast_passwords`: hash with MD5, for benchmarks that do not measure logins."""
    os.environ["DATABASE_URL"] = fresh_database(database)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if fast_passwords:
        os.environ.setdefault("PASSWORD_HASHERS", "django.contrib.auth.hashers.MD5PasswordHasher")
    # A queue of its own: no other worker sharing the Redis takes the benchmark's tasks.
    os.environ.setdefault("CELERY_QUEUE", f"bench-{os.getpid()}")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from apps.tenants.services import brand_template_ensure

    call_command("migrate_schemas", "--shared", verbosity=0)
    brand_template_ensure()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(fraction * len(ordered)) - 1))]


def ms_row(label: str, seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return f"| {label} | {len(ms)} | {statistics.median(ms):.1f} | {percentile(ms, 0.95):.1f} | {max(ms):.1f} |"


def server_label() -> str:
    return urlsplit(os.environ["DATABASE_URL"]).hostname or "embedded"


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return (
        f"{datetime.now(UTC).date().isoformat()} on {os.cpu_count()} cores ({cpu}), "
        f"Python {platform.python_version()}, PostgreSQL: `{server_label()}`"
    )


def write_section(key: str, title: str, body: str) -> None:
    """Replace (or append) one benchmark's section of BENCHMARKS.md, keyed by name and server."""
    path = ROOT / "BENCHMARKS.md"
    text = path.read_text() if path.exists() else "# Benchmarks\n\nRun with `make bench`.\n"
    server = server_label()
    start, end = f"<!-- {key}:{server}:start -->", f"<!-- {key}:{server}:end -->"
    section = f"{start}\n## {title}, PostgreSQL {server}\n\n{machine()}.\n\n{body.strip()}\n{end}"
    if start in text:
        text = text[: text.index(start)] + section + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    path.write_text(text)


def _wait_until_ready(name: str, worker: subprocess.Popen) -> None:
    from config.celery import app

    deadline = time.monotonic() + 120
    while not any(
        worker_name.startswith(f"{name}@") for answer in app.control.ping(timeout=0.5) for worker_name in answer
    ):
        if worker.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the Celery worker did not start (exit code {worker.poll()})")


@contextlib.contextmanager
def celery_worker(concurrency: int = 1):
    """A real Celery worker on the benchmark's database and queue (see setup_django), ready when
    this yields (it answered a ping), stopped afterwards."""
    name = f"bench-{os.getpid()}"
    worker = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "config",
            "worker",
            "-l",
            "warning",
            "-Q",
            os.environ["CELERY_QUEUE"],
            "--concurrency",
            str(concurrency),
            "-n",
            f"{name}@%h",
        ],
        cwd=ROOT,
        env={"DB_CONN_MAX_AGE": "900", **os.environ},  # as `make run` starts its worker
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_ready(name, worker)
        yield worker
    finally:
        worker.terminate()
        worker.wait(20)
