"""Live boards in Redis: one sorted set per board (ranks in O(log n)), rebuilt from PostgreSQL
whenever it is missing. Nothing here is the source of truth.

Per board: `z` the sorted set (member string → score, see ranking.py), `h` subject → its
current member string, `ver` a counter bumped on every change (what viewers poll), `meta` the
field size and when the board was last built from scratch. Changes and rebuilds run as Lua
scripts, so a reader never sees half a change. Keys carry the database and schema names:
brands, and test and development databases sharing one Redis, never meet.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import redis
from django.conf import settings
from django.db import connection

from apps.common.redis import connect
from apps.common.schemas import current_schema
from apps.leaderboards.boards import Board

# The version moves only when something did: viewers polling an unchanged board get 204s.
_APPLY = """
local changed = false
for i = 2, #ARGV, 3 do
  local old = redis.call('HGET', KEYS[2], ARGV[i])
  local same = old and old == ARGV[i + 1] and tonumber(redis.call('ZSCORE', KEYS[1], old)) == tonumber(ARGV[i + 2])
  if not same and (old or ARGV[i + 1] ~= '') then
    changed = true
    if old then redis.call('ZREM', KEYS[1], old) end
    if ARGV[i + 1] == '' then
      redis.call('HDEL', KEYS[2], ARGV[i])
    else
      redis.call('ZADD', KEYS[1], ARGV[i + 2], ARGV[i + 1])
      redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
    end
  end
end
if tonumber(ARGV[1]) > 0 then
  for _, key in ipairs(KEYS) do redis.call('PEXPIREAT', key, ARGV[1]) end
end
if changed then return redis.call('INCR', KEYS[3]) end
return tonumber(redis.call('GET', KEYS[3]) or 0)
"""

# ARGV: expiry ms, now ms, field size, then (subject, member, score) triples.
_REPLACE = """
redis.call('DEL', KEYS[1], KEYS[2])
for i = 4, #ARGV, 3 do
  redis.call('ZADD', KEYS[1], ARGV[i + 2], ARGV[i + 1])
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
end
redis.call('HSET', KEYS[4], 'n', ARGV[3], 'built', ARGV[2])
local version = redis.call('INCR', KEYS[3])
if version < tonumber(ARGV[2]) then
  redis.call('SET', KEYS[3], ARGV[2])
  version = tonumber(ARGV[2])
end
if tonumber(ARGV[1]) > 0 then
  for _, key in ipairs(KEYS) do redis.call('PEXPIREAT', key, ARGV[1]) end
end
return version
"""

# ARGV: top n, viewer's subject or '', prize line position or 0, qualifying score or '', shared '1'/'0'.
_READ = """
if redis.call('EXISTS', KEYS[4]) == 0 then return false end
local top = {}
if tonumber(ARGV[1]) > 0 then top = redis.call('ZREVRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1, 'WITHSCORES') end
local qualified = redis.call('ZCARD', KEYS[1])
if ARGV[4] ~= '' then qualified = redis.call('ZCOUNT', KEYS[1], ARGV[4], '+inf') end
local prize = {}
local line = tonumber(ARGV[3])
if line > 0 then prize = redis.call('ZREVRANGE', KEYS[1], line - 1, line - 1, 'WITHSCORES') end
local mine = {}
local member = false
if ARGV[2] ~= '' then member = redis.call('HGET', KEYS[2], ARGV[2]) end
if member then
  local score = redis.call('ZSCORE', KEYS[1], member)
  local position = redis.call('ZREVRANK', KEYS[1], member) + 1
  local rank = position
  local above = {}
  if ARGV[5] == '1' then
    rank = redis.call('ZCOUNT', KEYS[1], '(' .. score, '+inf') + 1
    above = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. score, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
    if #above > 0 then table.insert(above, redis.call('ZCOUNT', KEYS[1], '(' .. above[2], '+inf') + 1) end
  elseif position > 1 then
    above = redis.call('ZREVRANGE', KEYS[1], position - 2, position - 2, 'WITHSCORES')
    table.insert(above, position - 1)
  end
  mine = {score, rank, position, above}
end
return {redis.call('GET', KEYS[3]), redis.call('HGET', KEYS[4], 'n'), redis.call('ZCARD', KEYS[1]),
        top, qualified, prize, mine, redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')}
"""

# Move what is dirty into "processing" (kept until the refresh succeeds) and return it all.
_DRAIN = """
redis.call('SUNIONSTORE', KEYS[3], KEYS[3], KEYS[1])
redis.call('SUNIONSTORE', KEYS[4], KEYS[4], KEYS[2])
redis.call('DEL', KEYS[1], KEYS[2])
return {redis.call('SMEMBERS', KEYS[3]), redis.call('SMEMBERS', KEYS[4])}
"""


@cache
def client() -> redis.Redis:
    return connect(settings.REDIS_URL, socket_timeout=5)  # a whole board rebuild is one script


@cache
def _script(source: str):
    return client().register_script(source)


def _prefix() -> str:
    return f"lb:{connection.settings_dict['NAME']}:{current_schema()}"


def _board_keys(board_key: str) -> list[str]:
    base = f"{_prefix()}:{{{board_key}}}"  # one hash slot per board, should Redis be a cluster
    return [f"{base}:z", f"{base}:h", f"{base}:ver", f"{base}:meta"]


def _expiry_ms(board: Board, time_zone: str) -> int:
    """Standing boards disappear two days after their period; competitions are dropped at the close."""
    if board.is_competition:
        return 0
    end = datetime.combine(board.period.end + timedelta(days=2), datetime.min.time(), ZoneInfo(time_zone))
    return int(end.timestamp() * 1000)


Change = tuple[int, str | None, float | None]  # subject, member string (None: off the board), score


def _flatten(changes: Iterable[Change]) -> list:
    args: list = []
    for subject, member, score in changes:
        args += [subject, member or "", repr(score) if score is not None else ""]
    return args


def apply(board: Board, changes: list[Change], time_zone: str) -> int:
    return _script(_APPLY)(keys=_board_keys(board.key)[:3], args=[_expiry_ms(board, time_zone), *_flatten(changes)])


def replace(board: Board, entries: list[Change], field_size: int, time_zone: str) -> int:
    now_ms = int(time.time() * 1000)
    args = [_expiry_ms(board, time_zone), now_ms, field_size, *_flatten(entries)]
    return _script(_REPLACE)(keys=_board_keys(board.key), args=args)


def set_field_size(board: Board, field_size: int) -> None:
    client().hset(_board_keys(board.key)[3], "n", field_size)


def drop(board_key: str) -> None:
    client().delete(*_board_keys(board_key))


def drop_standing() -> None:
    """Every standing board of the brand (they are rebuilt when next read or refreshed)."""
    keys = list(client().scan_iter(f"{_prefix()}:{{s:*", count=1000))
    if keys:
        client().delete(*keys)


def built_at(board: Board) -> float | None:
    """When the board was last built from PostgreSQL (epoch seconds), None if it is missing."""
    raw = client().hget(_board_keys(board.key)[3], "built")
    return int(raw) / 1000 if raw is not None else None


def version(board_key: str) -> int | None:
    raw = client().get(_board_keys(board_key)[2])
    return int(raw) if raw is not None else None


@dataclass(frozen=True)
class Mine:
    score: float
    rank: int
    position: int
    above: tuple[float, int] | None  # the next better score and its rank


@dataclass(frozen=True)
class Snapshot:
    version: int
    field_size: int
    on_board: int
    top: list[tuple[str, float]]  # (member string, score), best first
    qualified: int
    prize_line: float | None  # score of the last prize position
    mine: Mine | None
    last: float | None  # the lowest score on the board


def read(board: Board, *, top: int, subject: int | None, prize_position: int, qualifying_score: float | None):
    """The board's top, the viewer's place and the lines to beat; None when it must be rebuilt."""
    raw = _script(_READ)(
        keys=_board_keys(board.key),
        args=[
            top,
            "" if subject is None else subject,
            prize_position,
            "" if qualifying_score is None else repr(qualifying_score),
            "1" if board.tie_rule == "shared" else "0",
        ],
    )
    if raw is None:
        return None
    version_, field_size, on_board, flat_top, qualified, prize, mine, last = raw
    pairs = [(flat_top[i].decode(), float(flat_top[i + 1])) for i in range(0, len(flat_top), 2)]
    me = None
    if mine:
        score, rank, position, above = mine
        me = Mine(float(score), int(rank), int(position), (float(above[1]), int(above[2])) if above else None)
    return Snapshot(
        version=int(version_ or 0),
        field_size=int(field_size or 0),
        on_board=int(on_board),
        top=pairs,
        qualified=int(qualified),
        prize_line=float(prize[1]) if prize else None,
        mine=me,
        last=float(last[1]) if last else None,
    )


# --- what changed since the last refresh --------------------------------------------------------


def _dirty_keys() -> list[str]:
    base = _prefix()
    return [f"{base}:dirty:m", f"{base}:dirty:d", f"{base}:proc:m", f"{base}:proc:d"]


def mark_dirty(member_ids: Iterable[int], days: Iterable) -> bool:
    """Note who and which days changed; True when nobody has been asked to refresh yet."""
    dirty_members, dirty_days, *_processing = _dirty_keys()
    scheduled = f"{_prefix()}:scheduled"
    pipe = client().pipeline(transaction=False)
    pipe.sadd(dirty_members, *member_ids)
    pipe.sadd(dirty_days, *(day.isoformat() for day in days))
    pipe.set(scheduled, 1, nx=True, ex=30)
    return bool(pipe.execute()[-1])


def take_dirty() -> tuple[set[int], set[str]]:
    """Everything dirty so far (including what a failed refresh left), and let the next change
    schedule a new refresh."""
    client().delete(f"{_prefix()}:scheduled")
    members, days = _script(_DRAIN)(keys=_dirty_keys())
    return {int(m) for m in members}, {d.decode() for d in days}


def done_dirty() -> None:
    client().delete(*_dirty_keys()[2:])


def claim_build(seconds: int = 30) -> bool:
    """True for the first to ask for a build of missing boards within `seconds`."""
    return bool(client().set(f"{_prefix()}:build-asked", 1, nx=True, ex=seconds))


def lock(timeout: int = 120):
    """One refresh or rebuild at a time per brand: the sorted sets follow one writer."""
    return client().lock(f"{_prefix()}:lock", timeout=timeout, blocking_timeout=timeout)
