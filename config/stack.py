"""`make run` and `make test`: bring up what is not configured, then run the product or the suite.

    python -m config.stack run    migrate, seed the demo brand, serve web + worker + beat
    python -m config.stack test   run the test suite (extra arguments go to pytest)
    python -m config.stack bench  run the benchmarks in bench/ (or the ones named) and update BENCHMARKS.md

With DATABASE_URL / REDIS_URL set, those servers are used and nothing is started. Otherwise an
embedded PostgreSQL and Redis start under .data/ and stop when this process ends (Ctrl-C).
"""

import os
import subprocess
import sys

from config import embedded
from config.databases import ensure_database

PYTHON = sys.executable
MANAGE = [PYTHON, "manage.py"]


def _ensure_services() -> None:
    # Started here, in the parent, so that this process owns them and children only reuse them.
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = embedded.postgres_url()
    if not os.environ.get("REDIS_URL"):
        os.environ["REDIS_URL"] = embedded.redis_url()


def _manage(*args: str) -> None:
    subprocess.run([*MANAGE, *args], check=True)


def run() -> int:
    from honcho.manager import Manager

    _ensure_services()
    ensure_database()
    port = os.environ.setdefault("SITE_PORT", "8000")
    _manage("migrate_schemas", "--noinput", "-v", "0")
    _manage("collectstatic", "--noinput", "-v", "0")
    _manage("seed_demo")
    print(
        f"\n  Siyu is up:  public site  http://localhost:{port}/"
        f"\n               demo brand   http://demo.localhost:{port}/"
        f"\n               platform admin http://localhost:{port}/admin/  "
        f"(create staff with: .venv/bin/python manage.py createsuperuser)\n  Ctrl-C stops everything.\n",
        flush=True,
    )
    manager = Manager()
    env = dict(os.environ)
    bin_dir = os.path.dirname(PYTHON)
    manager.add_process("web", f"{bin_dir}/gunicorn config.wsgi -c config/gunicorn.py", env=env)
    # Workers keep their connections longer than web: a connection's first visit to each brand's
    # tables costs more than the work of a periodic check, and beat visits every brand every minute.
    worker_env = {"DB_CONN_MAX_AGE": "900", **env}
    manager.add_process("worker", f"{bin_dir}/celery -A config worker -l info --concurrency 2", env=worker_env)
    manager.add_process(
        "beat",
        f"{bin_dir}/celery -A config beat -l info --schedule {embedded.DATA_DIR / 'celerybeat-schedule'}",
        env=env,
    )
    manager.loop()
    return manager.returncode or 0


def test(args: list[str]) -> int:
    _ensure_services()
    return subprocess.call([PYTHON, "-m", "pytest", *args])


BENCHMARKS = [
    "bench.brand_creation",
    "bench.kpi_ingest",
    "bench.kpi_queries",
    "bench.compliance",
    "bench.leaderboards",
    "bench.reports",
]


def bench(names: list[str]) -> int:
    """Every benchmark in bench/ (or those named: `make bench ARGS=kpi_ingest`), each in its own process."""
    _ensure_services()
    chosen = [f"bench.{name}" for name in names] or BENCHMARKS
    return max(subprocess.call([PYTHON, "-m", module]) for module in chosen)


def main(argv: list[str]) -> int:
    commands = {"run": run, "test": lambda: test(argv[2:]), "bench": lambda: bench(argv[2:])}
    if len(argv) < 2 or argv[1] not in commands:
        print(__doc__)
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    return commands[argv[1]]()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
