"""Health of each part of the installation, for a load balancer or an operator.

web answers if this process serves requests; database and broker are asked directly; worker and
beat are judged by their heartbeats in Redis: beat writes one on every tick of its scheduler
(config.celery.HeartbeatScheduler) and sends the worker a heartbeat task every 30 s."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from kombu import Connection

from apps.common.redis import client

HEARTBEAT_KEY = "siyu:{database}:heartbeat:{component}"
HEARTBEAT_SECONDS = 30
STALE_AFTER_SECONDS = {"worker": 3 * HEARTBEAT_SECONDS, "beat": 3 * HEARTBEAT_SECONDS}


def _key(component: str) -> str:
    return HEARTBEAT_KEY.format(database=settings.DATABASES["default"]["NAME"], component=component)


def heartbeat(component: str) -> None:
    client().set(_key(component), time.time(), ex=24 * 3600)


def _web() -> dict:
    return {}


def _database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {}


def _broker() -> dict:
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as broker:
        broker.ensure_connection(max_retries=1)
    return {}


def _heartbeat_of(component: str) -> Callable[[], dict]:
    def check() -> dict:
        seen = client().get(_key(component))
        if seen is None:
            raise RuntimeError("no heartbeat yet")
        age = time.time() - float(seen)
        if age > STALE_AFTER_SECONDS[component]:
            raise RuntimeError(f"last heartbeat {age:.0f} s ago")
        return {"last_heartbeat_s": round(age, 1)}

    return check


CHECKS: dict[str, Callable[[], dict]] = {
    "web": _web,
    "database": _database,
    "broker": _broker,
    "worker": _heartbeat_of("worker"),
    "beat": _heartbeat_of("beat"),
}


def check(component: str) -> dict:
    started = time.perf_counter()
    try:
        result = {"ok": True, **CHECKS[component]()}
    except Exception as error:  # any failure of a dependency is its ill health, reported, not raised
        result = {"ok": False, "error": f"{type(error).__name__}: {error}"[:300]}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def report(components: list[str] | None = None) -> dict:
    checks = {name: check(name) for name in components or CHECKS}
    return {"ok": all(result["ok"] for result in checks.values()), "checks": checks}
