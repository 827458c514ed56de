"""Many brands on one machine (issues 3 and 8): at 10, 100 and 1,000 brands,
- signup time (schema cloned from the template, domain, first admin): median under 1 s;
- `migrate_schemas` for a release with no new migration: under 0.1 s per brand;
- the scheduler's fan-out (one beat job → one task per brand) and one worker draining it.

make bench ARGS=brand_creation      # BENCH_LEVELS=10,100,1000 BENCH_SAMPLES=10
"""

import io
import os
import statistics
import time

import redis

from bench.common import celery_worker, percentile, setup_django, write_section

SAMPLES = int(os.environ.get("BENCH_SAMPLES", "10"))
LEVELS = [int(level) for level in os.environ.get("BENCH_LEVELS", "10,100,1000").split(",")]


def _create(slug: str) -> float:
    from apps.signup.services import brand_create

    started = time.perf_counter()
    brand_create(
        name=f"品牌 {slug}",
        slug=slug,
        admin_name="管理员",
        admin_email=f"admin@{slug}.example",
        admin_password="Bench-password-2026",
    )
    return time.perf_counter() - started


def _brand_count() -> int:
    from apps.tenants.models import Brand

    return Brand.objects.filter(kind=Brand.Kind.BRAND).count()


def _migrate_noop() -> float:
    """`migrate_schemas` as a release runs it, in this process: the ~3 s a `manage.py` start adds
    (interpreter, Django, the migration graph) is the same for 1 brand or 10,000."""
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate_schemas", "--noinput", verbosity=0, stdout=io.StringIO())
    return time.perf_counter() - started


def _fan_out() -> tuple[float, float]:
    """(seconds to send the job to every brand, seconds until one worker has run it for all)."""
    from django.conf import settings

    from apps.tenants.tasks import for_each_brand

    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    broker = redis.Redis.from_url(settings.REDIS_URL)
    started = time.perf_counter()
    for_each_brand("apps.reports.tasks.run_schedule")
    sent = time.perf_counter() - started
    while broker.llen(queue) or broker.hlen("unacked"):
        time.sleep(0.05)
    return sent, time.perf_counter() - started


def main() -> None:
    setup_django("siyu_bench_brands")
    rows = []
    for level in LEVELS:
        while _brand_count() < level - SAMPLES:
            _create(f"b{_brand_count():04d}")
        signup = [_create(f"b{_brand_count():04d}") for _ in range(SAMPLES)]
        migrate = _migrate_noop()
        with celery_worker(concurrency=2):  # started apart from the signups: its start-up takes CPU
            sent, cold = _fan_out()  # the worker's connections meet these schemas for the first time
            _sent, warm = _fan_out()  # a minute later, as beat runs it every minute
        ms = [s * 1000 for s in signup]
        rows.append(
            f"| {level:,} | {statistics.median(ms):.0f} | {percentile(ms, 0.9):.0f} | {migrate:.2f} | "
            f"{migrate / level * 1000:.1f} | {sent:.2f} | {cold:.1f} | {warm:.1f} |"
        )
        print(rows[-1], flush=True)
    report = "\n".join(
        [
            "| brands | signup median ms | signup p90 ms | migrate_schemas no-op s | per brand ms "
            "| fan-out sent s | first round done s | next rounds done s |",
            "|---|---|---|---|---|---|---|---|",
            *rows,
        ]
    )
    report += (
        f"\n\nSignup: {SAMPLES} brands created at each level. `migrate_schemas` runs as a release "
        "with no new migration does (the command in this process; a `manage.py` start adds ~3 s whatever "
        "the number of brands): one query finds every schema current and none is migrated. Fan-out: beat's "
        "`for_each_brand` sends the daily-report check (each brand's own clock decides if its report is "
        "due) to every brand, 25 brands per task; one worker (2 processes) runs it for all of them. The "
        "first round pays for connections meeting a thousand schemas' tables for the first time; the "
        "next rounds, every minute, are what beat's 60 s interval has to hold."
    )
    print(report)
    write_section("many-brands", "Many brands: signup, no-op migration, scheduler fan-out", report)


if __name__ == "__main__":
    main()
