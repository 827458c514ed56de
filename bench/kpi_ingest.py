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


def _batch(rng: random.Random, number: int, now: datetime) -> list[dict]:
    events = []
    for i in range(BATCH):
        kind = rng.choice(KINDS)
        event = {
            "external_id": f"bench-{number}-{i}",
            "kind": kind,
            "occurred_at": (now - timedelta(minutes=rng.randint(0, 60 * 24 * 60))).isoformat(),
            "member": f"B{rng.randrange(MEMBERS):04d}",
            "channel": rng.choice(["wecom", "wecom", "personal_wechat", "community"]),
        }
        if kind != "lead" and kind != "task_done":
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

    from apps.kpis.services.imports import import_job_create, import_job_run

    rows = IMPORT_ROWS
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["external_id", "kind", "occurred_at", "member", "channel", "customer", "amount", "tags"])
    for batch in range(rows // BATCH):
        for event in _batch(rng, 10_000 + batch, now):
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
        started = time.perf_counter()
        job = import_job_run(job_id=job.pk)
        elapsed = time.perf_counter() - started
    assert job.created == rows, (job.created, job.failed)
    return rows / elapsed, rows


def main() -> None:
    setup_django("siyu_bench_ingest")
    from django.test import Client
    from django_tenants.utils import schema_context

    from apps.accounts.models import User
    from apps.organisation.roles import Role
    from apps.organisation.services import api_key_create
    from apps.tenants.services import brand_create

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
    import_rate, import_rows = _file_import(brand, rng, now)
    report = "\n".join(
        [
            "| what | events | events/s | slowest batch ms |",
            "|---|---|---|---|",
            f"| new events (rollups, customers, tags) | {created:,} | {new_rate:,.0f} | {slowest:.0f} |",
            f"| the same batches replayed (all duplicates) | {BATCH * len(replays):,} | {replay_rate:,.0f} | "
            f"{max(t for t, _r in replays) * 1000:.0f} |",
            f"| a {import_rows:,}-row CSV imported by the background task | {import_rows:,} | {import_rate:,.0f} | — |",
        ]
    )
    print(report)
    write_section(
        "kpi-ingest",
        "Event ingestion through POST /api/v1/events/ (target ≥ 5,000 events/s)",
        "In-process Django test client with an API key: authentication, JSON, validation, storage, "
        f"rollups and customers; {MEMBERS} members, 40,000 customer refs.\n\n" + report,
    )


if __name__ == "__main__":
    main()
