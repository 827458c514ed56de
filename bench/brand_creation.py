"""Brand creation time with 1 and with 200 existing brands (issue 3: median under 1 s, flat).

Runs in a throw-away database next to the configured one (siyu_bench), so development data is
untouched. Writes the figures into BENCHMARKS.md.

    make bench            # or: python -m config.stack bench
"""

import os
import platform
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from config.databases import fresh_database

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = int(os.environ.get("BENCH_SAMPLES", "15"))
BACKGROUND_BRANDS = int(os.environ.get("BENCH_BRANDS", "200"))


def _create(slug: str) -> float:
    from apps.tenants.services import brand_create

    started = time.perf_counter()
    brand_create(name=f"品牌 {slug}", slug=slug, admin_name="管理员", admin_email=f"admin@{slug}.example",
                 admin_password="Bench-password-2026")
    return time.perf_counter() - started


def _measure(prefix: str) -> list[float]:
    return [_create(f"{prefix}{i:03d}") for i in range(SAMPLES)]


def _summary(label: str, timings: list[float]) -> str:
    ms = sorted(t * 1000 for t in timings)
    p90 = ms[int(len(ms) * 0.9) - 1]
    return f"| {label} | {len(ms)} | {statistics.median(ms):.0f} | {p90:.0f} | {ms[-1]:.0f} |"


def main() -> None:
    os.environ["DATABASE_URL"] = fresh_database("siyu_bench")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from apps.tenants.services import brand_template_ensure

    call_command("migrate_schemas", "--shared", verbosity=0)
    brand_template_ensure()
    _create("first")  # 1 existing brand from here on
    with_one = _measure("one")
    for i in range(BACKGROUND_BRANDS - 1 - SAMPLES):
        _create(f"fill{i:03d}")
    from apps.tenants.selectors import brands_for_listing

    existing = brands_for_listing().count()
    with_many = _measure("many")

    rows = [
        "| existing brands | samples | median ms | p90 ms | max ms |",
        "|---|---|---|---|---|",
        _summary("1", with_one),
        _summary(str(existing), with_many),
    ]
    report = "\n".join(rows)
    print(report)
    _write_benchmarks(report)


def _write_benchmarks(table: str) -> None:
    path = ROOT / "BENCHMARKS.md"
    text = path.read_text() if path.exists() else "# Benchmarks\n\nRun with `make bench`.\n"
    server = urlsplit(os.environ["DATABASE_URL"]).hostname or "embedded"
    start, end = f"<!-- brand-creation:{server}:start -->", f"<!-- brand-creation:{server}:end -->"
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    section = (
        f"{start}\n## Brand creation, PostgreSQL {server} (schema cloned from the template, domain, first admin)\n\n"
        f"{date.today().isoformat()} on {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        f"PostgreSQL: `{server}`.\n\n"
        f"{table}\n{end}"
    )
    if start in text:
        text = text[: text.index(start)] + section + text[text.index(end) + len(end):]
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    path.write_text(text)


if __name__ == "__main__":
    main()
