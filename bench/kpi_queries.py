"""KPI reads over a big brand (issue 4: a month's team dashboard under 100 ms at p95 with 1,000,000
events and 500 members, not growing with the number of events: 100k vs 1M).

Two brands with the same 500 people (5 regions × 5 stores × 20 reps) and 50,000 / 200,000
customers get 100,000 and 1,000,000 events over the last year, written straight into the event
table by SQL and then turned into read models by `rebuild_rollups` (timed too). Each page is then
requested through Django's full stack as the brand admin; the time is the server's.

    python -m bench.kpi_queries
"""

from __future__ import annotations

import os
import time

from bench.common import ms_row, setup_django, write_section

SIZES = [int(n) for n in os.environ.get("BENCH_EVENT_SIZES", "100000,1000000").split(",")]
SAMPLES = int(os.environ.get("BENCH_SAMPLES", "30"))
REGIONS, STORES, REPS = 5, 5, 20

_EVENTS_SQL = """
WITH people AS (SELECT array_agg(id ORDER BY id) AS ids FROM accounts_user WHERE employee_no <> ''),
     camps AS (SELECT array_agg(id ORDER BY id) AS ids FROM kpis_campaign)
INSERT INTO kpis_event (external_id, kind, occurred_at, day, member_id, channel, campaign_id, customer_id,
                        quantity, amount, tags, created_at)
SELECT 'b' || g, kind, at, (at AT TIME ZONE 'Asia/Shanghai')::date,
       people.ids[1 + (g * 7919) %% 1000033 %% array_length(people.ids, 1)],
       (ARRAY['wecom', 'wecom', 'personal_wechat', 'community'])[1 + (g * 16807) %% 999983 %% 4],
       CASE WHEN g %% 10 = 0 THEN camps.ids[1 + (g / 10) %% array_length(camps.ids, 1)] END,
       CASE WHEN kind IN ('fan_added', 'fan_deleted', 'order', 'interaction', 'connection', 'follow_up')
            THEN %(first_customer)s + (g * 104729) %% %(customers)s END,
       CASE WHEN kind = 'order' THEN 1 + g %% 3 ELSE 1 END,
       CASE WHEN kind = 'order' THEN round((80 + (g * 31) %% 600)::numeric, 2) WHEN kind = 'cost' THEN 50 ELSE 0 END,
       CASE WHEN kind = 'fan_added' AND g %% 3 = 0 THEN ARRAY['VIP']::varchar[] ELSE '{}'::varchar[] END,
       now()
FROM generate_series(1::bigint, %(events)s) AS g, people, camps,
     LATERAL (SELECT (ARRAY['fan_added', 'fan_added', 'order', 'interaction', 'interaction', 'connection',
                            'follow_up', 'lead', 'fan_deleted', 'task_assigned', 'task_done', 'cost'])
                     [1 + (g * 48271) %% 1000003 %% 12] AS kind,
                     now() - (((g * 2654435761) %% (365 * 86400)) || ' seconds')::interval AS at) AS k
"""


def _populate(brand, events: int) -> dict:
    from django.db import connection
    from django_tenants.utils import schema_context

    from apps.accounts.models import User
    from apps.kpis.models import Campaign, Customer
    from apps.kpis.services.rollups import rollups_rebuild
    from apps.organisation.models import Membership, Team
    from apps.organisation.roles import Role

    customers = events // 5
    with schema_context(brand.schema_name):
        stores = []
        for r in range(REGIONS):
            region = Team.objects.create(name=f"大区{r}", kind=Team.Kind.REGION)
            stores += [
                Team.objects.create(name=f"门店{r}-{s}", kind=Team.Kind.STORE, parent=region) for s in range(STORES)
            ]
        reps = User.objects.bulk_create(
            User(email=f"r{n}@bench.example", full_name=f"导购{n}", employee_no=f"R{n:04d}", roles=[Role.SALES_REP])
            for n in range(REGIONS * STORES * REPS)
        )
        Membership.objects.bulk_create(Membership(person=rep, team=stores[n // REPS]) for n, rep in enumerate(reps))
        for c in range(8):
            Campaign.objects.create(
                code=f"c{c}", name=f"活动{c}", channel="mini_program", starts_on="2026-01-01", ends_on="2026-12-31"
            )
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO kpis_customer (ref, first_seen_at, joined_on, channel, tags, orders_count, gmv_total) "
                "SELECT 'c' || g, now(), current_date, '', '{}', 0, 0 FROM generate_series(1, %s) g",
                [customers],
            )
            first = Customer.objects.order_by("pk").values_list("pk", flat=True).first()
            started = time.perf_counter()
            cursor.execute(_EVENTS_SQL, {"events": events, "customers": customers, "first_customer": first})
            written = time.perf_counter() - started
            cursor.execute("ANALYZE")
        started = time.perf_counter()
        rollups_rebuild(time_zone=brand.time_zone)
        rebuilt = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return {
            "store": stores[0],
            "region": stores[0].parent,
            "rep": reps[0],
            "written": written,
            "rebuilt": rebuilt,
            "customers": customers,
        }


def _time_pages(client, pages: dict[str, str]) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {}
    for label, path in pages.items():
        assert client.get(path).status_code == 200, path  # warm up
        samples = []
        for _ in range(SAMPLES):
            started = time.perf_counter()
            response = client.get(path)
            samples.append(time.perf_counter() - started)
            assert response.status_code == 200
        timings[label] = samples
    return timings


def main() -> None:
    setup_django("siyu_bench_kpis")
    from django.test import Client
    from django_tenants.utils import schema_context

    from apps.accounts.models import User
    from apps.common.periods import Period, brand_today
    from apps.signup.services import brand_create

    rows, builds = [], []
    for events in SIZES:
        slug = f"k{events // 1000}k"
        signup = brand_create(
            name=f"大品牌 {slug}",
            slug=slug,
            admin_name="管理员",
            admin_email=f"admin@{slug}.example",
            admin_password="Bench-password-2026",
        )
        data = _populate(signup.brand, events)
        builds.append(f"| {events:,} | {data['customers']:,} | {data['written']:.1f} | {data['rebuilt']:.1f} |")
        month = Period.of("month", brand_today(signup.brand.time_zone)).shifted(-1)
        query = f"?period=month&date={month.start.isoformat()}"
        client = Client(HTTP_HOST=f"{slug}.localhost")
        with schema_context(signup.brand.schema_name):
            client.force_login(User.objects.get(pk=signup.admin_id))
        pages = {
            "store board (20 reps)": f"/kpis/teams/{data['store'].pk}/{query}",
            "region board (100 reps)": f"/kpis/teams/{data['region'].pk}/{query}",
            "rep board": f"/kpis/people/{data['rep'].pk}/{query}",
            "API: store figures": f"/api/v1/kpis/?metrics=gmv,orders,aov,fans_total,conversion_rate,repurchase_rate"
            f"&team={data['store'].pk}&period=month&date={month.start.isoformat()}",
            "brand board (500 reps)": f"/kpis/{query}",
        }
        for label, samples in _time_pages(client, pages).items():
            rows.append(ms_row(f"{events:,} events · {label}", samples))
    report = "\n".join(
        [
            "| events · page (a whole month, brand admin) | samples | median ms | p95 ms | max ms |",
            "|---|---|---|---|---|",
            *rows,
            "",
            "| events | customers | SQL insert s | rebuild_rollups s |",
            "|---|---|---|---|",
            *builds,
        ]
    )
    print(report)
    write_section(
        "kpi-queries",
        "KPI pages over a big brand (target: month's team dashboard p95 < 100 ms at 1M events)",
        f"{REGIONS * STORES * REPS} members in {REGIONS} regions × {STORES} stores; events spread over the last "
        "365 days; each page renders headline figures with targets and 环比, the daily trend and the breakdown, "
        "all from rollups.\n\n" + report,
    )


if __name__ == "__main__":
    main()
