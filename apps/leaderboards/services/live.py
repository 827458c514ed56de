"""Keeping the live boards in step with the figures.

When figures change (events stored, messages sent, a violation confirmed) the KPI engine tells
us who and which days, after the commit. We note it in Redis and ask a worker to refresh; the
worker recomputes only those people's values on the boards whose period covers those days, from
the same read models the KPI pages use, and moves them in the sorted sets. A board that is
missing from Redis (flushed, restarted, a new day) is rebuilt whole from PostgreSQL.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

import redis
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from apps.common.periods import brand_today
from apps.common.queue import send_or_leave_to_sweep
from apps.common.schemas import current_schema
from apps.kpis.extensions import figures_changed as notify_figures_changed
from apps.leaderboards import store
from apps.leaderboards.boards import Board, BoardContext, values_of
from apps.leaderboards.models import Entry
from apps.leaderboards.ranking import member, on_board, score
from apps.tenants.selectors import current_brand

log = logging.getLogger(__name__)
RESYNC_AFTER_SECONDS = 600


def people_changed(sender, instance, **kwargs) -> None:
    """Signal receiver: someone's roles, activity or team changed, so their place in every field
    may have. Logins (which only touch last_login) are not a change."""
    fields = kwargs.get("update_fields")
    if (fields is not None and set(fields) <= {"last_login"}) or current_schema() == get_public_schema_name():
        return
    person_id = getattr(instance, "person_id", None) or instance.pk
    notify_figures_changed(member_ids={person_id}, days={brand_today(current_brand().time_zone)})


def brand_restored(sender, brand, **kwargs) -> None:
    """Signal receiver: the brand's data was replaced from a backup, so every live board in Redis
    describes the data before it. Rebuild them from PostgreSQL now (the restore is an operator's
    command, run in the brand's schema)."""
    boards_resync(older_than=0)


def figures_changed(*, member_ids: Iterable[int], days: Iterable[date]) -> None:
    """The KPI engine's listener (called after the commit): note the change, wake a worker."""
    from apps.leaderboards.tasks import refresh_boards

    member_ids, days = set(member_ids), set(days)
    if not member_ids or not days:
        return
    try:
        if store.mark_dirty(member_ids, days):
            send_or_leave_to_sweep(refresh_boards)
    except redis.RedisError:  # the figures are stored; the sweep resyncs boards when Redis is back
        log.warning("leaderboards: could not note a change in Redis", exc_info=True)


def entries_sync(
    competition_id: int, values: dict[int, Decimal | None], lower_is_better: bool, *, whole: bool = False
) -> dict[int, datetime]:
    """Store the values; a changed value is achieved now. Returns when each value was achieved.
    `whole`: the values cover the whole field, so entries of anyone else go."""
    now = timezone.now()
    entries = Entry.objects.filter(competition_id=competition_id)
    existing = {e.subject_id: e for e in (entries if whole else entries.filter(subject_id__in=list(values)))}
    create: list[Entry] = []
    update: list[Entry] = []
    gone: list[int] = []
    for subject, value in values.items():
        entry = existing.get(subject)
        if not on_board(value, lower_is_better):
            if entry is not None:
                gone.append(entry.pk)
        elif entry is None:
            create.append(Entry(competition_id=competition_id, subject_id=subject, value=value, achieved_at=now))
        elif entry.value != value:
            entry.value, entry.achieved_at = value, now
            update.append(entry)
    if whole:
        gone += [entry.pk for subject, entry in existing.items() if subject not in values]
    with transaction.atomic():
        Entry.objects.filter(pk__in=gone).delete()
        Entry.objects.bulk_create(create)
        Entry.objects.bulk_update(update, ["value", "achieved_at"])
    achieved = {entry.subject_id: entry.achieved_at for entry in existing.values()}
    achieved.update({entry.subject_id: entry.achieved_at for entry in create})
    return achieved


def _changes(board: Board, values: dict[int, Decimal | None], achieved: dict[int, datetime]) -> list[store.Change]:
    changes: list[store.Change] = []
    for subject, value in values.items():
        if on_board(value, board.lower_is_better):
            changes.append(
                (subject, member(subject, achieved.get(subject), board.tie_rule), score(value, board.lower_is_better))
            )
        else:
            changes.append((subject, None, None))
    return changes


def board_rebuild(board: Board, brand: BoardContext) -> int:
    """Build a board whole from PostgreSQL; returns its new version."""
    field_ = brand.field(board)
    values = values_of(board, field_, field_, brand.registry)
    achieved = {}
    if board.competition_id is not None:
        achieved = entries_sync(board.competition_id, values, board.lower_is_better, whole=True)
    entries = [change for change in _changes(board, values, achieved) if change[1] is not None]
    return store.replace(board, entries, len(field_), brand.time_zone)


def _board_refresh(board: Board, brand: BoardContext, member_ids: set[int]) -> None:
    """Recompute the people who changed (every team, in team-vs-team: there are few, and someone
    may have moved between them); those who left the field leave the board."""
    field_ = brand.field(board)
    store.set_field_size(board, len(field_))  # people join and leave between rebuilds
    subjects = list(field_) if board.by_team else sorted(member_ids & field_)
    values = values_of(board, field_, subjects, brand.registry)
    if not board.by_team:
        values.update({gone: None for gone in member_ids - field_})
    if not values:
        return
    achieved = {}
    if board.competition_id is not None:
        achieved = entries_sync(board.competition_id, values, board.lower_is_better)
    store.apply(board, _changes(board, values, achieved), brand.time_zone)


def boards_refresh() -> int:
    """The worker's job: move the people who changed on every live board that covers the days
    that changed. Returns how many boards were touched."""
    with store.lock():
        member_ids, day_texts = store.take_dirty()
        days = {date.fromisoformat(text) for text in day_texts}
        touched = 0
        if member_ids and days:
            brand = BoardContext()
            for board in brand.boards():
                if not any(board.period.start <= day <= board.period.end for day in days):
                    continue
                if store.built_at(board) is None:
                    board_rebuild(board, brand)
                else:
                    _board_refresh(board, brand, member_ids)
                touched += 1
        store.done_dirty()
    return touched


def boards_resync(*, older_than: float = RESYNC_AFTER_SECONDS) -> int:
    """Rebuild live boards last built from scratch more than `older_than` seconds ago: the
    safety net for changes Redis never heard of (it was down; someone joined or left a team)."""
    brand = BoardContext()
    rebuilt = 0
    with store.lock():
        now = timezone.now().timestamp()
        for board in brand.boards():
            built = store.built_at(board)
            if built is None or now - built >= older_than:
                board_rebuild(board, brand)
                rebuilt += 1
    return rebuilt


def board_ensure(board: Board) -> None:
    """Build a board Redis does not have, now (the worker's job and the benchmarks')."""
    with store.lock():
        if store.built_at(board) is None:
            board_rebuild(board, BoardContext())


def boards_build_later() -> None:
    """A viewer read a live board Redis did not have (and was answered from PostgreSQL): ask a
    worker to build the missing boards, once however many viewers ask in the meantime."""
    from apps.leaderboards.tasks import build_missing_boards

    try:
        if store.claim_build():
            send_or_leave_to_sweep(build_missing_boards)
    except redis.RedisError:  # Redis is away: the minute's sweep builds them when it is back
        log.warning("leaderboards: could not ask for a board build", exc_info=True)


def built_when_missing(page):
    """For views serving a board page: a live board answered from PostgreSQL is built later."""
    if page.live and not page.built:
        boards_build_later()
    return page
