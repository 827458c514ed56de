"""Load test (make load): 100 concurrent users for 2 minutes against gunicorn with the production
settings (DEBUG off, JSON logs), a Celery worker behind it, on the seeded demo brand: reps on
their home, dashboards and live boards (polled), managers reviewing violations and drilling into
KPIs, integrations posting event and message batches (one API key each). Locust runs headless;
the bar is 0 errors and p95 under 300 ms over the 2 minutes with every user on; the ramp
(people arriving and logging in, 5 a second) is reported apart. LOAD_USERS / LOAD_SECONDS /
LOAD_SPAWN_RATE change the run."""

import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, celery_worker, percentile, setup_django, write_section

USERS = int(os.environ.get("LOAD_USERS", "100"))
DURATION_S = int(os.environ.get("LOAD_SECONDS", "120"))
SPAWN_RATE = int(os.environ.get("LOAD_SPAWN_RATE", "5"))  # people arriving per second
BIN = Path(sys.executable).parent


def _plan(folder: Path) -> Path:
    from django.core.management import call_command
    from django_tenants.utils import schema_context

    from apps.accounts.models import User
    from apps.compliance.models import Violation
    from apps.demo.people import DEMO_DOMAIN, DEMO_PASSWORD, DEMO_SLUG
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


def _trace(path: Path) -> tuple[list[tuple[float, str, float, bool]], float]:
    """The requests locust recorded, and when the last user had started."""
    requests, steady_from = [], None
    for line in path.read_text().splitlines():
        at, name, ms, failed = line.split(",")
        if not name:
            steady_from = float(at)
        else:
            requests.append((float(at), name, float(ms), failed == "1"))
    return requests, steady_from if steady_from is not None else requests[0][0]


def _row(label: str, requests: list, seconds: float) -> str:
    times = [ms for _at, _name, ms, _failed in requests]
    failures = sum(failed for *_rest, failed in requests)
    return (
        f"| {label} | {len(times):,} | {failures} | {len(times) / seconds:.1f} | {percentile(times, 0.5):.0f} | "
        f"{percentile(times, 0.95):.0f} | {percentile(times, 0.99):.0f} | {max(times):.0f} |"
    )


def _table(requests: list, seconds: float) -> list[str]:
    lines = [
        "| request | count | failures | rps | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name in sorted({name for _at, name, _ms, _failed in requests}):
        lines.append(_row(name, [r for r in requests if r[1] == name], seconds))
    lines.append(_row("**all**", requests, seconds))
    return lines


def report(trace: Path) -> str:
    requests, steady_from = _trace(trace)
    ramp = [r for r in requests if r[0] < steady_from]
    steady = [r for r in requests if r[0] >= steady_from]
    seconds = requests[-1][0] - steady_from
    times = [ms for _at, _name, ms, _failed in steady]
    failures = sum(failed for *_rest, failed in steady)
    p95 = percentile(times, 0.95)
    verdict = "PASS" if failures == 0 and p95 < 300 else "FAIL"
    workers, threads = os.environ.get("WEB_WORKERS", "3"), os.environ.get("WEB_THREADS", "4")
    mix = f"{USERS * 6 // 10} reps, {USERS * 2 // 10} managers, {USERS * 2 // 10} integrations"
    ramp_row = _row("ramp: users arriving and logging in", ramp, max(steady_from - requests[0][0], 1))
    whole_row = _row("whole run, ramp included", requests, requests[-1][0] - requests[0][0])
    return "\n".join(
        [
            *_table(steady, seconds),
            "",
            f"{USERS} users ({mix}) started {SPAWN_RATE} a second, each logging in, then {DURATION_S} s measured "
            "with all of them on: people think 5–15 s between pages (the home page they land on after logging "
            "in too) and watch the live board 10 s at a time (1 poll/s, as the page does); integrations post "
            f"every 2–5 s. gunicorn {workers} workers × {threads} threads, one Celery worker (2 processes), "
            "locust, PostgreSQL and Redis all on the same 2 cores. "
            f"Sustained {len(times) / seconds:.1f} requests/s, {failures} errors, p50 {percentile(times, 0.5):.0f} ms, "
            f"p95 {p95:.0f} ms, p99 {percentile(times, 0.99):.0f} ms: {verdict} (bar: 0 errors, p95 < 300 ms).",
            "",
            "Before the measured window, and the whole run:",
            "",
            "| phase | count | failures | rps | p50 ms | p95 ms | p99 ms | max ms |",
            "|---|---|---|---|---|---|---|---|",
            ramp_row,
            whole_row,
        ]
    )


def main() -> None:
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    setup_django("siyu_load", fast_passwords=False)  # logins cost what they cost in production
    folder = Path(tempfile.mkdtemp(prefix="siyu-load-"))
    plan = _plan(folder)
    port = 8700 + os.getpid() % 200
    web = _gunicorn(port)
    ramp_s = -(-USERS // SPAWN_RATE)
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
                    str(SPAWN_RATE),
                    "-t",
                    f"{ramp_s + DURATION_S}s",
                    "--host",
                    f"http://127.0.0.1:{port}",
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                ],
                cwd=ROOT,
                env={**os.environ, "LOAD_PLAN": str(plan), "LOAD_TRACE": str(folder / "trace.csv")},
                check=False,
                stdout=subprocess.DEVNULL,
            )
    finally:
        web.terminate()
        web.wait(30)
    text = report(folder / "trace.csv")
    print(text)
    write_section("load", "Load: 100 users for 2 minutes (make load)", text)


if __name__ == "__main__":
    main()
