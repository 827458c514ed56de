"""Raw events as an integration would post them."""

import itertools
from datetime import datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
_ids = itertools.count(1)


def event(kind="fan_added", *, at=None, **fields) -> dict:
    """An event dict; `at` is a Shanghai-local datetime (default 2026-11-10 10:00)."""
    at = at or datetime(2026, 11, 10, 10, 0, tzinfo=SHANGHAI)
    return {"external_id": f"t-{next(_ids)}", "kind": kind, "occurred_at": at.isoformat(), **fields}


def local(day: int, hour: int = 10, month: int = 11, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=SHANGHAI)
