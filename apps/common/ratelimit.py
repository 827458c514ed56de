"""Rate limits counted atomically in Redis: a sliding log per key (a sorted set of request times),
checked and appended by one Lua script, so parallel requests cannot all read "under the limit"
before any of them counts. At most `limit` requests are admitted in any `seconds`-long window.

Keys carry the database and the brand's schema, so brands, and test and development databases
sharing one Redis, never share a count. With Redis unreachable a limit is not enforced (logged):
a Redis restart must not turn ingestion or signups away.
"""

from __future__ import annotations

import logging
import math
import re
import secrets
from dataclasses import dataclass
from functools import cache

import redis
from django.conf import settings

from apps.common.redis import client as redis_client
from apps.common.schemas import current_schema

log = logging.getLogger(__name__)

# ARGV: limit, window in microseconds, a unique member. Answers {1, 0} or {0, microseconds to wait}.
_HIT = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count >= limit then
  local freed = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
  return {0, tonumber(freed[2]) + window - now}
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000))
return {1, 0}
"""

_UNITS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([a-z]+?)s?\s*$")


@dataclass(frozen=True)
class Rate:
    limit: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """'1200/min', '5/hour', '3/day', '10/30s'."""
        match = _RATE.match(text.lower())
        if not match or match.group(3) not in _UNITS or int(match.group(1)) < 1:
            raise ValueError(f"not a rate: {text!r} (write it as 1200/min, 5/hour, 3/day)")
        return cls(int(match.group(1)), int(match.group(2) or 1) * _UNITS[match.group(3)])


@cache
def _script():
    return redis_client().register_script(_HIT)


def _key(scope: str, ident: str) -> str:
    return f"rl:{settings.DATABASES['default']['NAME']}:{current_schema()}:{scope}:{ident}"


def rate_hit(*, scope: str, ident: str, rate: Rate) -> float | None:
    """Count one request; None when admitted, else the seconds until one would be."""
    try:
        admitted, wait = _script()(
            keys=[_key(scope, ident)], args=[rate.limit, rate.seconds * 1_000_000, secrets.token_hex(8)]
        )
    except redis.RedisError:
        log.warning("rate limit %s not checked: Redis unreachable", scope, exc_info=True)
        return None
    return None if admitted else max(math.ceil(int(wait) / 1_000_000), 1)
