"""Daily reports (issue 7): 200 brands of 50 reps each get their reports generated and delivered
in under 5 minutes with one worker, and a brand's report costs the same whatever the length of
its history.

Each brand has 2 regions, 5 stores and 50 reps with monthly targets, 60 days of per-person daily
figures (written straight into the rollups the report reads: ingesting 7 million events would
measure ingestion, not reports), yesterday's logs for most reps and a few violations. Its send
time is set to midnight so that every brand is due at once. Beat's dispatcher then sends one
`run_schedule` task per brand; a single Celery worker generates each report and delivers it
(emails rendered per recipient, sent to a dummy backend). The clock runs from the dispatch to
the last delivery.

    python -m bench.reports
"""

from __future__ import annotations

import os
import time
from datetime import time as clock
from datetime import timedelta

from bench.common import celery_worker, ms_row, setup_django, write_section

BRANDS = int(os.environ.get("BENCH_BRANDS", "200"))
REPS, STORES = 50, 5
HISTORY_DAYS = 60
LONG_HISTORY_DAYS = 730
SAMPLES = int(os.environ.get("BENCH_SAMPLES", "15"))


def _rollups_sql(days: int) -> str:
    from apps.kpis.catalogue import ROLLUP_COLUMNS

    values = {
        "fans_added": "(m + d) % 7 + 1",
        "fans_deleted": "(m * d) % 3",
        "interactions": "(m * 3 + d) % 20",
        "orders": "(m + d * 5) % 4",
        "items": "(m + d * 5) % 4",
        "gmv": "((m + d * 5) % 4) * (120 + (m * 37 + d) % 300)",
        "follow_ups": "(m + d) % 6",
        "tasks_assigned": "3",
        "tasks_done": "(m + d) % 4",
    }
    columns = ", ".join(ROLLUP_COLUMNS)
    selected = ", ".join(values.get(column, "0") for column in ROLLUP_COLUMNS)
    return (
        f"INSERT INTO kpis_memberdayrollup (day, member_id, {columns}) "  # noqa: S608 (our column names)
        f"SELECT current_date - d, m, {selected} "
        f"FROM generate_series(1, {days}) AS d, "
        "(SELECT id AS m FROM accounts_user WHERE employee_no LIKE 'R%%') AS people"
    )


def _brand(index: int, history_days: int = HISTORY_DAYS):
    from django.db import connection
    from django_tenants.utils import schema_context

    from apps.accounts.models import User
    from apps.common.periods import brand_today
    from apps.kpis.models import Target
    from apps.organisation.models import Membership, Team
    from apps.organisation.roles import Role
    from apps.reports.models import DailyLog, ReportSettings
    from apps.signup.services import brand_create

    slug = f"rb{index}"
    brand = brand_create(
        name=f"日报品牌{index}",
        slug=slug,
        admin_name="管理员",
        admin_email=f"admin@{slug}.example",
        admin_password="Bench-password-2026",
    ).brand
    with schema_context(brand.schema_name):
        regions = [Team.objects.create(name=f"大区{r}", kind=Team.Kind.REGION) for r in range(2)]
        stores = [
            Team.objects.create(name=f"门店{s}", kind=Team.Kind.STORE, parent=regions[s % 2]) for s in range(STORES)
        ]
        reps = User.objects.bulk_create(
            User(email=f"r{n}@{slug}.example", full_name=f"导购{n}", employee_no=f"R{n:03d}", roles=[Role.SALES_REP])
            for n in range(REPS)
        )
        Membership.objects.bulk_create(Membership(person=rep, team=stores[n % STORES]) for n, rep in enumerate(reps))
        for store, leader in zip(stores, reps, strict=False):
            store.leader = leader
            store.save(update_fields=["leader"])
        today = brand_today(brand.time_zone)
        month = today.replace(day=1)
        Target.objects.bulk_create(
            Target(person=rep, metric=metric, period_kind="month", period_start=month, value=value)
            for rep in reps
            for metric, value in (("gmv", 20000), ("fans_added", 120))
        )
        with connection.cursor() as cursor:
            cursor.execute(_rollups_sql(history_days))
        yesterday = today - timedelta(days=1)
        DailyLog.objects.bulk_create(
            DailyLog(person=rep, day=yesterday, done="回访老客", plan="跟进") for rep in reps[: REPS * 9 // 10]
        )
        ReportSettings.objects.update_or_create(pk=1, defaults={"send_at": clock(0, 0), "webhook_url": ""})
    return brand


def _reports_done(schemas: list[str]) -> int:
    from django.db import connection

    parts = " UNION ALL ".join(
        f"SELECT count(*) FROM {schema}.reports_dailyreport r WHERE r.delivered_at IS NOT NULL "  # noqa: S608
        f"AND NOT EXISTS (SELECT 1 FROM {schema}.reports_reportdelivery d WHERE d.report_id = r.id "
        "AND d.sent_at IS NULL) AND EXISTS (SELECT 1 FROM "
        f"{schema}.reports_reportdelivery d WHERE d.report_id = r.id)"
        for schema in schemas
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT sum(count) FROM ({parts}) t")  # noqa: S608
        return int(cursor.fetchone()[0] or 0)


def _history_cost() -> list[str]:
    """report_build for the same brand shape with 60 days and with 2 years of daily figures."""
    from django_tenants.utils import schema_context

    from apps.common.periods import brand_today
    from apps.reports.services.build import report_build

    rows = []
    for label, days in (("60 days of history", HISTORY_DAYS), ("2 years of history", LONG_HISTORY_DAYS)):
        brand = _brand(10_000 + days, history_days=days)
        with schema_context(brand.schema_name):
            yesterday = brand_today(brand.time_zone) - timedelta(days=1)
            report_build(day=yesterday, time_zone=brand.time_zone)  # warm
            samples = []
            for _ in range(SAMPLES):
                started = time.perf_counter()
                report_build(day=yesterday, time_zone=brand.time_zone)
                samples.append(time.perf_counter() - started)
        rows.append(ms_row(f"one brand's report, {label} (50 reps, 7 teams)", samples))
    return rows


def main() -> None:
    os.environ.setdefault("EMAIL_URL", "dummymail://")
    setup_django("siyu_bench_reports")
    from apps.tenants.tasks import for_each_brand

    started = time.perf_counter()
    brands = [_brand(n) for n in range(BRANDS)]
    print(f"{BRANDS} brands set up in {time.perf_counter() - started:.0f} s")
    schemas = [brand.schema_name for brand in brands]
    with celery_worker() as _worker:
        started = time.perf_counter()
        for_each_brand("apps.reports.tasks.run_schedule")
        done, progress = 0, []
        while done < BRANDS and time.perf_counter() - started < 900:
            time.sleep(1)
            done = _reports_done(schemas)
            progress.append((time.perf_counter() - started, done))
        elapsed = time.perf_counter() - started
    history = _history_cost()
    per_brand = elapsed / max(done, 1)
    half = next((t for t, n in progress if n >= BRANDS // 2), None)
    report = "\n".join(
        [
            f"{done} of {BRANDS} brands (50 reps, 2 regions, 5 stores each) had yesterday's report generated and "
            f"delivered (emails to managers and store leads, {HISTORY_DAYS} days of daily figures each) by one "
            f"worker in **{elapsed:.0f} s** ({per_brand * 1000:.0f} ms a brand on average"
            + (f"; half were done after {half:.0f} s" if half else "")
            + ") — target 5 minutes.",
            "",
            "Cost against history length (`report_build`, same brand shape):",
            "",
            "| report | samples | median ms | p95 ms | max ms |",
            "|---|---|---|---|---|",
            *history,
        ]
    )
    print(report)
    write_section(
        "reports",
        "Daily reports (targets: 200 brands × 50 reps in < 5 min with one worker; cost flat in history length)",
        report,
    )


if __name__ == "__main__":
    main()
