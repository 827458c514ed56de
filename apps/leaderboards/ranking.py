"""How competitors are ordered and ranked: one definition for the live boards in Redis and the
frozen standings in PostgreSQL, so a board looks the same before and after its close.

Order: by score (the value, negated when lower is better), then by the member string, highest
first, which is exactly Redis' ZREVRANGE order. The member string carries the tie-break: with
"earlier first" it starts with a countdown of when the value was reached, so the earlier
achiever sorts higher; with "shared" every tie gets the same rank (1, 2, 2, 4).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TypeGuard

from apps.leaderboards.boards import Board
from apps.leaderboards.models import TieRule

_COUNTDOWN = 10**13  # milliseconds since 1970, good until the year 2286


def score(value: Decimal, lower_is_better: bool) -> float:
    return float(-value if lower_is_better else value)


def value_of(score_: float, lower_is_better: bool) -> Decimal:
    """A value back from its score (repr gives the shortest exact decimal of the float)."""
    value = Decimal(repr(score_))
    return -value if lower_is_better else value


def member(subject_id: int, achieved_at: datetime | None, tie_rule: str) -> str:
    if tie_rule == TieRule.EARLIER_FIRST and achieved_at is not None:
        return f"{_COUNTDOWN - int(achieved_at.timestamp() * 1000):013d}:{subject_id}"
    return f"0:{subject_id}"


def subject_of(member_: str | bytes) -> int:
    text = member_.decode() if isinstance(member_, bytes) else member_
    return int(text.rsplit(":", 1)[1])


def on_board(value: Decimal | None, lower_is_better: bool) -> TypeGuard[Decimal]:
    """Nothing yet (no value, or zero of something to be gained) is not a result to rank."""
    return value is not None and (lower_is_better or value != 0)


def qualifies(value: Decimal, board: Board) -> bool:
    if board.min_value is None:
        return True
    return value <= board.min_value if board.lower_is_better else value >= board.min_value


@dataclass(frozen=True)
class Ranked:
    subject_id: int
    value: Decimal
    position: int  # 1…n, the board's order
    rank: int | None  # None: below the qualifying line
    achieved_at: datetime | None = None


def rank_all(entries: Iterable[tuple[int, Decimal | None, datetime | None]], board: Board) -> list[Ranked]:
    """Order and rank (subject, value, achieved at) the way the live board does."""
    keyed = [
        (score(value, board.lower_is_better), member(subject, at, board.tie_rule), subject, value, at)
        for subject, value, at in entries
        if on_board(value, board.lower_is_better)
    ]
    keyed.sort(key=lambda item: (item[0], item[1]), reverse=True)
    ranked, previous_score, rank = [], None, 0
    for position, (score_, _member, subject, value, at) in enumerate(keyed, start=1):
        if board.tie_rule == TieRule.EARLIER_FIRST or score_ != previous_score:
            rank = position
        previous_score = score_
        ranked.append(Ranked(subject, value, position, rank if qualifies(value, board) else None, at))
    return ranked
