"""Helpers for the leaderboard tests (the arena fixture lives in tests/conftest.py)."""

from decimal import Decimal

from apps.leaderboards.services.competitions import PrizeSpec


def prizes(*specs: str) -> list[PrizeSpec]:
    """ "1:金", "2-3:银", "achieved:达标" → prize specs."""
    result = []
    for spec in specs:
        head, label = spec.split(":", 1)
        if head in ("achieved", "exceeded"):
            result.append(PrizeSpec(label, tier=head))
        else:
            first, _sep, last = head.partition("-")
            result.append(PrizeSpec(label, int(first), int(last or first)))
    return result


D = Decimal
