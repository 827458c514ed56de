"""One Redis client per process for what keeps small shared state there (rate-limit counts,
third-party access tokens): connections are pooled and survive a fork (redis-py checks the pid)."""

from functools import cache

import redis
from django.conf import settings


@cache
def client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
