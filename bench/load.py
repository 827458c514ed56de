"""Load test (make load): 100 concurrent users for 2 minutes against gunicorn with the production
settings (DEBUG off, JSON logs), a Celery worker behind it, on the seeded demo brand: reps on
their home, dashboards and live boards (polled), managers reviewing violations and drilling into
KPIs, integrations posting event and message batches (one API key each). Locust runs headless;
the bar is 0 errors and p95 under 300 ms. LOAD_USERS / LOAD_TIME change the run."""

import csv
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, celery_worker, setup_django, write_section

USERS = int(os.environ.get("LOAD_USERS", "100"))
DURATION = os.environ.get("LOAD_TIME", "2m")
BIN = Path(sys.executable).parent


def _plan(folder: Path) -> Path:
    from django.core.management import call_command
    from django_tenants.utils import schema_context

    from apps.accounts.models import User
    from apps.compliance.models import Violation
    from apps.organisation.demo import DEMO_DOMAIN, DEMO_PASSWORD, DEMO_SLUG
    from apps.organisation.models import Team
    from apps.organisation.roles import Role
    from apps.organisation.services import api_key_create
    from apps.tenants.models import Brand

    call_command("seed_demo", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    brand = Brand.objects.get(slug=DEMO_SLUG)
    with schema_context(brand.schema_name):
        plan = {
            "host": brand.domains.get(is_primary=True).domain,
            "password": DEMO_PASSWORD,
            "manager": f"ops@{DEMO_DOMAIN}",
            "reps": list(User.objects.filter(roles__contains=[Role.SALES_REP]).values_list("email", flat=True)),
            "violations": list(Violation.objects.values_list("pk", flat=True)[:200]),
            "teams": list(Team.objects.exclude(kind=Team.Kind.REGION).values_list("pk", flat=True)),
            "keys": [api_key_create(name=f"load {n}", roles=[Role.PRODUCT_OPS], created_by=None)[1] for n in range(10)],
        }
    path = folder / "plan.json"
    path.write_text(json.dumps(plan))
    return path


def _gunicorn(port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "SITE_PORT": str(port),
        "WEB_WORKERS": os.environ.get("WEB_WORKERS", "3"),
        "WEB_THREADS": os.environ.get("WEB_THREADS", "4"),
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [str(BIN / "gunicorn"), "config.wsgi", "-c", "config/gunicorn.py", "--access-logfile", "/dev/null"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _rows(stats: Path) -> list[dict]:
    with stats.open() as handle:
        return list(csv.DictReader(handle))


def main() -> None:
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    setup_django("siyu_load")
    folder = Path(tempfile.mkdtemp(prefix="siyu-load-"))
    plan = _plan(folder)
    port = 8700 + os.getpid() % 200
    web = _gunicorn(port)
    try:
        with celery_worker(concurrency=2):
            time.sleep(2)
            subprocess.run(
                [
                    str(BIN / "locust"),
                    "-f",
                    "bench/locustfile.py",
                    "--headless",
                    "-u",
                    str(USERS),
                    "-r",
                    "20",
                    "-t",
                    DURATION,
                    "--host",
                    f"http://127.0.0.1:{port}",
                    "--csv",
                    str(folder / "load"),
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                ],
                cwd=ROOT,
                env={**os.environ, "LOAD_PLAN": str(plan)},
                check=False,
            )
    finally:
        web.terminate()
        web.wait(30)
    rows = _rows(folder / "load_stats.csv")
    lines = [
        "| request | count | failures | rps | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        name = "**all**" if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
        lines.append(
            f"| {name} | {int(row['Request Count']):,} | {row['Failure Count']} | {float(row['Requests/s']):.1f} | "
            f"{row['50%']} | {row['95%']} | {row['99%']} | {float(row['Max Response Time']):.0f} |"
        )
    total = next(row for row in rows if row["Name"] == "Aggregated")
    verdict = "PASS" if int(total["Failure Count"]) == 0 and float(total["95%"]) < 300 else "FAIL"
    workers, threads = os.environ.get("WEB_WORKERS", "3"), os.environ.get("WEB_THREADS", "4")
    mix = f"{USERS * 6 // 10} reps, {USERS * 2 // 10} managers, {USERS * 2 // 10} integrations"
    report = "\n".join(lines) + (
        f"\n\n{USERS} users ({mix}) for {DURATION}: people think 5–15 s between pages and watch the live "
        "board 10 s at a time (1 poll/s, as the page does); integrations post every 2–5 s. "
        f"gunicorn {workers} workers × {threads} threads, one Celery worker (2 processes), locust, PostgreSQL "
        f"and Redis all on the same 2 cores. Sustained {float(total['Requests/s']):.1f} requests/s, "
        f"{total['Failure Count']} errors, p95 {total['95%']} ms: {verdict} (bar: 0 errors, p95 < 300 ms)."
    )
    print(report)
    write_section("load", "Load: 100 users for 2 minutes (make load)", report)


if __name__ == "__main__":
    main()
