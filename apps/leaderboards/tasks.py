"""Background work for the leaderboards; each task calls a service."""

import math

from apps.leaderboards.services import competitions, live
from config.celery import app


@app.task(acks_late=True, autoretry_for=(Exception,), retry_backoff=1, retry_backoff_max=30, max_retries=10)
def refresh_boards() -> int:
    """Move the people whose figures just changed on every live board."""
    return live.boards_refresh()


@app.task(acks_late=True, autoretry_for=(Exception,), retry_backoff=1, retry_backoff_max=30, max_retries=5)
def build_missing_boards() -> int:
    """Build the live boards Redis lacks (a viewer found one missing)."""
    return live.boards_resync(older_than=math.inf)


@app.task(acks_late=True)
def sweep() -> dict:
    """Every minute per brand: freeze what has ended, resync boards not built for a while."""
    closed = competitions.competitions_close_due()
    return {"closed": closed, "resynced": live.boards_resync()}
