"""Event ingestion through the API (issue 4: at least 5,000 events/s, rollups included).

Batches of 1,000 realistic events are POSTed to /api/v1/events/ with an API key through Django's
full request stack (authentication, JSON parsing, validation, storage, rollups, customers) in
this process: the figure is the server's own throughput, without network or a load generator.

    python -m bench.kpi_ingest
"""

from __future__ import annotations

import json
import os
import random
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bench.common import setup_django, write_section

BATCHES = int(os.environ.get("BENCH_BATCHES", "30"))
BATCH = 1000
IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
MEMBERS = 200
KINDS = (
    ["fan_added"] * 6
    + ["order"] * 3
    + ["interaction"] * 5
    + ["connection"] * 2
    + ["follow_up"] * 2
    + ["fan_deleted", "lead", "task_done"]
)
SHANGHAI = ZoneInfo("Asia/Shanghai")


CHANNELS = ["wecom", "personal_wechat", "community", "mini_program"]
LIVE, BACKFILL = 6 * 60, 60 * 24 * 60  # minutes back: a live feed of today's events, or two months' history


def _batch(rng: random.Random, number: int, now: datetime, spread: int = LIVE) -> list[dict]:
    events = []
    for i in range(BATCH):
        kind = rng.choice(KINDS)
        member = rng.randrange(MEMBERS)
        event = {
            "external_id": f"bench-{number}-{i}",
            "kind": kind,
            "occurred_at": (now - timedelta(minutes=rng.randint(0, spread))).isoformat(),
            "member": f"B{member:04d}",
            # each rep works mostly in their own channel
            "channel": CHANNELS[member % 4] if rng.random() < 0.8 else rng.choice(CHANNELS),
        }
        if kind not in {"lead", "task_done"}:
            event["customer"] = f"c{rng.randrange(40_000)}"
        if kind == "order":
            event.update(amount=f"{rng.lognormvariate(5.5, 0.5):.2f}", quantity=rng.randint(1, 3))
        if kind == "fan_added" and rng.random() < 0.5:
            event["tags"] = [rng.choice(["VIP", "敏感肌", "学生党", "宝妈"])]
        events.append(event)
    return events


def _file_import(brand, rng, now) -> tuple[float, int]:
    """A 100,000-row CSV through the import job (what the progress bar follows)."""
    import csv
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django_tenants.utils import schema_context

    from apps.kpis.models import ImportJob
    from apps.kpis.services.imports import import_job_check, import_job_create, import_job_run

    rows = IMPORT_ROWS
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["external_id", "kind", "occurred_at", "member", "channel", "customer", "amount", "tags"])
    for batch in range(rows // BATCH):
        for event in _batch(rng, 10_000 + batch, now, BACKFILL):
            writer.writerow(
                [
                    event["external_id"],
                    event["kind"],
                    event["occurred_at"],
                    event["member"],
                    event["channel"],
                    event.get("customer", ""),
                    event.get("amount", ""),
                    "|".join(event.get("tags", [])),
                ]
            )
    with schema_context(brand.schema_name):
        job = import_job_create(upload=SimpleUploadedFile("bench.csv", buffer.getvalue().encode()), user=None)
        import_job_check(job_id=job.pk)
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)  # started, not by a task
        started = time.perf_counter()
        job = import_job_run(job_id=job.pk)
        elapsed = time.perf_counter() - started
    assert job.created == rows, (job.created, job.failed)
    return rows / elapsed, rows


def _over_http(slug: str, secret: str, rng, now, clients: int = 4, batches: int = 8) -> float:
    """The product as `make run` serves it (gunicorn, 2 workers x 4 threads) and integrations
    posting at the same time: events/s over all clients."""
    import http.client
    import socket
    import subprocess
    import threading

    from bench.common import ROOT

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    bodies = [
        [json.dumps({"events": _batch(rng, 50_000 + c * 1000 + b, now)}).encode() for b in range(batches)]
        for c in range(clients)
    ]
    headers = {"Host": f"{slug}.localhost", "Authorization": f"Api-Key {secret}", "Content-Type": "application/json"}

    def post(body) -> int:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request("POST", "/api/v1/events/", body, headers)
        response = connection.getresponse()
        answer = json.loads(response.read())
        connection.close()
        assert response.status == 200, answer
        return answer["created"]

    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/")
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        for warm_up in (90_000, 90_001):  # both workers
            post(json.dumps({"events": _batch(rng, warm_up, now)}).encode())
        created = [0] * clients
        threads = [
            threading.Thread(target=lambda c=c: created.__setitem__(c, sum(post(b) for b in bodies[c])))
            for c in range(clients)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(20)
    assert sum(created) == clients * batches * BATCH
    return sum(created) / elapsed


def main() -> None:
    setup_django("siyu_bench_ingest")
    from django.test import Client
    from django_tenants.utils import schema_context

    from apps.accounts.models import User
    from apps.organisation.roles import Role
    from apps.organisation.services import api_key_create
    from apps.signup.services import brand_create

    brand = brand_create(
        name="压测品牌",
        slug="ingest",
        admin_name="管理员",
        admin_email="admin@ingest.example",
        admin_password="Bench-password-2026",
    ).brand
    with schema_context(brand.schema_name):
        User.objects.bulk_create(
            User(email=f"b{n}@ingest.example", full_name=f"导购{n}", employee_no=f"B{n:04d}", roles=[Role.SALES_REP])
            for n in range(MEMBERS)
        )
        _key, secret = api_key_create(name="bench", roles=[Role.PRODUCT_OPS], created_by=None)
    client = Client(HTTP_HOST="ingest.localhost", HTTP_AUTHORIZATION=f"Api-Key {secret}")
    rng = random.Random(4)
    now = datetime.now(SHANGHAI)
    bodies = [json.dumps({"events": _batch(rng, n, now)}) for n in range(BATCHES)]
    history = [json.dumps({"events": _batch(rng, 20_000 + n, now, BACKFILL)}) for n in range(BATCHES // 2)]

    def post(body) -> tuple[float, dict]:
        started = time.perf_counter()
        response = client.post("/api/v1/events/", body, content_type="application/json")
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.content[:300]
        return elapsed, response.json()

    post(bodies[0])  # warm up (imports, caches, first customers)
    fresh = [post(body) for body in bodies[1:]]
    replays = [post(body) for body in bodies[1:6]]
    created = sum(result["created"] for _t, result in fresh)
    assert created == BATCH * (BATCHES - 1) and all(r["duplicates"] == BATCH for _t, r in replays)
    new_rate = created / sum(t for t, _r in fresh)
    replay_rate = BATCH * len(replays) / sum(t for t, _r in replays)
    slowest = max(t for t, _r in fresh) * 1000
    backfill = [post(body) for body in history]
    backfill_rate = sum(r["created"] for _t, r in backfill) / sum(t for t, _r in backfill)
    import_rate, import_rows = _file_import(brand, rng, now)
    http_rate = _over_http("ingest", secret, rng, now)
    report = "\n".join(
        [
            "| what | events | events/s | slowest batch ms |",
            "|---|---|---|---|",
            f"| a live feed: today's events, one integration | {created:,} | {new_rate:,.0f} | {slowest:.0f} |",
            f"| a backfill: events spread over two months, one integration | {BATCH * len(backfill):,} | "
            f"{backfill_rate:,.0f} | {max(t for t, _r in backfill) * 1000:.0f} |",
            f"| the same batches replayed (all duplicates) | {BATCH * len(replays):,} | {replay_rate:,.0f} | "
            f"{max(t for t, _r in replays) * 1000:.0f} |",
            f"| a live feed over HTTP to `make run`'s gunicorn, four integrations at once | {4 * 8 * BATCH:,} | "
            f"{http_rate:,.0f} | — |",
            f"| a {import_rows:,}-row CSV of two months' history, imported by the background task | "
            f"{import_rows:,} | {import_rate:,.0f} | — |",
        ]
    )
    print(report)
    write_section(
        "kpi-ingest",
        "Event ingestion through POST /api/v1/events/ (target ≥ 5,000 events/s)",
        "Batches of 1,000 through Django's full stack with an API key (in-process test client, or gunicorn over "
        "HTTP): authentication, JSON, validation, storage, rollups and customers; "
        f"{MEMBERS} members, 40,000 customer refs.\n\n" + report,
    )


if __name__ == "__main__":
    main()
