"""One Redis client per process for what keeps small shared state there (rate-limit counts,
third-party access tokens, boards, heartbeats): connections are pooled and survive a fork
(redis-py checks the pid)."""

from functools import cache

import redis
from django.conf import settings
from redis.backoff import NoBackoff
from redis.retry import Retry


def connect(url: str, *, socket_timeout: float = 2) -> redis.Redis:
    """A client that retries a failed call once, at once (a pooled connection the server closed),
    and then gives up: redis-py 8's default backs off for ~4 s per call when Redis is down, and
    every page that falls back to PostgreSQL would wait that long."""
    return redis.Redis.from_url(
        url, socket_timeout=socket_timeout, socket_connect_timeout=2, retry=Retry(NoBackoff(), 1)
    )


@cache
def client() -> redis.Redis:
    return connect(settings.REDIS_URL)
