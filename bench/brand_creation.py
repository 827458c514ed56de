"""Brand creation time with 1 and with 200 existing brands (issue 3: median under 1 s, flat).

make bench            # every benchmark; or: python -m bench.brand_creation
"""

import os
import statistics
import time

from bench.common import percentile, setup_django, write_section

SAMPLES = int(os.environ.get("BENCH_SAMPLES", "15"))
BACKGROUND_BRANDS = int(os.environ.get("BENCH_BRANDS", "200"))


def _create(slug: str) -> float:
    from apps.tenants.services import brand_create

    started = time.perf_counter()
    brand_create(
        name=f"品牌 {slug}",
        slug=slug,
        admin_name="管理员",
        admin_email=f"admin@{slug}.example",
        admin_password="Bench-password-2026",
    )
    return time.perf_counter() - started


def _measure(prefix: str) -> list[float]:
    return [_create(f"{prefix}{i:03d}") for i in range(SAMPLES)]


def _summary(label: str, timings: list[float]) -> str:
    ms = [t * 1000 for t in timings]
    return f"| {label} | {len(ms)} | {statistics.median(ms):.0f} | {percentile(ms, 0.9):.0f} | {max(ms):.0f} |"


def main() -> None:
    setup_django("siyu_bench")
    _create("first")  # 1 existing brand from here on
    with_one = _measure("one")
    for i in range(BACKGROUND_BRANDS - 1 - SAMPLES):
        _create(f"fill{i:03d}")
    from apps.tenants.selectors import brands_for_listing

    with_many = _measure("many")
    report = "\n".join(
        [
            "| existing brands | samples | median ms | p90 ms | max ms |",
            "|---|---|---|---|---|",
            _summary("1", with_one),
            _summary(str(brands_for_listing().count() - SAMPLES), with_many),
        ]
    )
    print(report)
    write_section("brand-creation", "Brand creation (schema cloned from the template, domain, first admin)", report)


if __name__ == "__main__":
    main()
