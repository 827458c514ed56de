"""Who wins what: prizes by rank range, and by the achievement tier reached against one's own
target for the competition's metric over its period (the KPI engine's tiers)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from apps.kpis.selectors.targets import Subject, TargetBook, achievement, kpi_settings, tier_for
from apps.leaderboards.boards import Board
from apps.leaderboards.models import Prize

_TIER_ORDER: list[str] = [Prize.Tier.EXCEEDED, Prize.Tier.ACHIEVED]
TIER_LABELS = dict(Prize.Tier.choices)


def prize_line(prizes: Iterable[Prize]) -> int | None:
    """The last rank that wins a rank prize."""
    ranks = [prize.rank_to for prize in prizes if prize.rank_to is not None]
    return max(ranks) if ranks else None


def prizes_won(prizes: Iterable[Prize], rank: int | None, tier: str | None) -> list[str]:
    """A ranked competitor wins their rank's prizes and the best tier prize they reached."""
    if rank is None:
        return []
    prizes = list(prizes)
    won = [
        p.label
        for p in prizes
        if p.rank_from is not None and p.rank_to is not None and p.rank_from <= rank <= p.rank_to
    ]
    reached = _TIER_ORDER[_TIER_ORDER.index(tier) :] if tier in _TIER_ORDER else []
    for level in reached:
        tier_prizes = [p.label for p in prizes if p.tier == level]
        if tier_prizes:
            won += tier_prizes
            break
    return won


def has_tier_prizes(prizes: Iterable[Prize]) -> bool:
    return any(prize.tier for prize in prizes)


class TierJudge:
    """Each competitor's target over the board's period and the tier their value reaches."""

    def __init__(self, board: Board, registry, field_=None):
        self.board, self.field = board, field_
        self.metric = registry[board.metric]
        self.book = TargetBook(board.period, [board.metric])
        self.settings = kpi_settings()

    def target(self, subject_id: int) -> Decimal | None:
        if self.board.by_team:
            members = (self.field or {}).get(subject_id, ())
            value = self.book.target(self.metric, Subject("team", subject_id), members).value
        else:
            value = self.book.target(self.metric, Subject("person", subject_id)).value
        return value

    def tier(self, subject_id: int, value: Decimal | None) -> str | None:
        rate = achievement(self.metric, value, self.target(subject_id))
        tier = tier_for(rate, self.settings)
        return tier if tier in _TIER_ORDER else None

    def line(self, subject_id: int, tier: str) -> Decimal | None:
        """The value that reaches a tier (for "X more to reach 达成")."""
        target = self.target(subject_id)
        if target is None:
            return None
        pct = self.settings.exceeded_pct if tier == Prize.Tier.EXCEEDED else self.settings.achieved_pct
        if self.metric.lower_is_better:  # achievement = 2 − actual / target
            return target * (2 - pct / 100)
        return target * pct / 100
