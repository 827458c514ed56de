"""Reps' customer-service figures from WeCom (get_user_behavior_data): chats, messages sent, reply
rate, reply time, new contacts, negative feedback, per rep and day.

WeCom answers per day for the members asked about together, at most 30 days a call and only
within the last 180, counting days in China time; so each rep is asked alone, in windows of 30
days, and never outside those bounds. Connecting fills the last 30 days; each later sync the
days since the last one read (the last read day again: WeCom may still count late chats). The
first read also puts the reply rate on reps' scorecards."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from django.db import transaction
from django.db.models import Max

from apps.kpis.extensions import figures_changed
from apps.kpis.models import KpiSettings, StageWeight
from apps.kpis.services.metrics import stage_weights_set
from apps.organisation.roles import Role
from apps.wecom.models import BehaviourDay

WECOM_CLOCK = timezone(timedelta(hours=8))  # the days WeCom counts in
SPAN_DAYS = 30
WINDOW_DAYS = 180
BACKFILL_DAYS = 30
REPLY_RATE_WEIGHT = Decimal(10)
FIELDS = ("chats", "messages", "replied_chats", "reply_minutes", "new_applies", "new_contacts", "negative_feedback")


def wecom_today() -> date:
    return datetime.now(WECOM_CLOCK).date()


def days_to_read(*, today: date) -> tuple[date, date] | None:
    """The days a sync reads: the last 30 on the first read, then from the last day read to
    yesterday (never before WeCom's 180-day window); None when there is nothing new."""
    yesterday = today - timedelta(days=1)
    last = BehaviourDay.objects.aggregate(last=Max("day"))["last"]
    first = yesterday - timedelta(days=BACKFILL_DAYS - 1) if last is None else last
    first = max(first, today - timedelta(days=WINDOW_DAYS))
    return (first, yesterday) if first <= yesterday else None


def windows(first: date, last: date) -> list[tuple[int, int]]:
    """(start_time, end_time) pairs covering the days, each at most SPAN_DAYS long."""
    spans = []
    while first <= last:
        end = min(first + timedelta(days=SPAN_DAYS - 1), last)
        spans.append((_midnight(first), _midnight(end)))
        first = end + timedelta(days=1)
    return spans


def _midnight(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=WECOM_CLOCK).timestamp())


def _row(item: dict) -> tuple[date, dict]:
    day = datetime.fromtimestamp(int(item["stat_time"]), WECOM_CLOCK).date()
    chats = int(item.get("chat_cnt") or 0)
    replied = Decimal(chats) * Decimal(str(item.get("reply_percentage") or 0)) / 100
    return day, {
        "chats": chats,
        "messages": int(item.get("message_cnt") or 0),
        "replied_chats": replied.quantize(Decimal("0.01")),
        "reply_minutes": (replied * Decimal(str(item.get("avg_reply_time") or 0))).quantize(Decimal("0.01")),
        "new_applies": int(item.get("new_apply_cnt") or 0),
        "new_contacts": int(item.get("new_contact_cnt") or 0),
        "negative_feedback": int(item.get("negative_feedback_cnt") or 0),
    }


@transaction.atomic
def behaviour_store(person_id: int, items: list[dict]) -> int:
    """One rep's days as WeCom gave them, replacing what we had for those days; how many."""
    rows = dict(_row(item) for item in items)
    if not rows:
        return 0
    BehaviourDay.objects.bulk_create(
        [BehaviourDay(person_id=person_id, day=day, **values) for day, values in rows.items()],
        update_conflicts=True,
        unique_fields=["person", "day"],
        update_fields=[*FIELDS, "fetched_at"],
    )
    figures_changed(member_ids=[person_id], days=rows)
    return len(rows)


def scorecards_weigh_replies() -> None:
    """Reps' scorecards weigh the reply rate in every stage that does not yet (the admin changes
    it like any weight): a brand's first service figures are worth judging by."""
    for stage in KpiSettings.Stage.values:
        weights = dict(StageWeight.objects.filter(stage=stage, role=Role.SALES_REP).values_list("metric", "weight"))
        if "reply_rate" not in weights:
            stage_weights_set(stage=stage, role=Role.SALES_REP, weights={**weights, "reply_rate": REPLY_RATE_WEIGHT})
