"""Read models derived from events: daily rollups, fan balances, customer-days and customers.

Ingestion adds each stored batch's contribution (`rollups_apply`, sums only, so the order in
which events arrive does not matter); `rollups_rebuild` recomputes everything from the events
with the same column mapping. A property test holds the two to the same result.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import connection, transaction

from apps.kpis.catalogue import CONTACT_KINDS, KIND_COLUMN, MONEY_COLUMNS, POOL_LEAVING, ROLLUP_COLUMNS, EventKind
from apps.kpis.models import Customer, CustomerDay, DailyRollup, Event, FanBalance, MemberDayRollup

ROLLUP_KEY = ("day", "member_id", "channel", "campaign_id")
MEMBER_DAY_KEY = ("day", "member_id")
BALANCE_KEY = ("member_id", "channel", "campaign_id")
CUSTOMER_DAY_KEY = ("customer_id", "day", "member_id", "channel", "campaign_id")
_KEY_TYPES = {"day": "date", "member_id": "bigint", "channel": "text", "campaign_id": "bigint", "customer_id": "bigint"}


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """What the read models need of an event that was just stored."""

    kind: str
    occurred_at: datetime
    day: date
    member_id: int | None
    channel: str
    campaign_id: int | None
    customer_id: int | None
    quantity: int
    amount: Decimal


def _column_deltas(event: StoredEvent) -> dict[str, int | Decimal]:
    column = KIND_COLUMN.get(event.kind)
    if column:
        return {column: event.quantity}
    if event.kind == EventKind.ORDER:
        return {"orders": 1, "items": event.quantity, "gmv": event.amount}
    if event.kind == EventKind.COST:
        return {"cost": event.amount}
    return {}


def _upsert_sums(table: str, key: tuple[str, ...], constraint: str, rows: dict[tuple, dict], columns) -> None:
    """INSERT … ON CONFLICT DO UPDATE adding to the existing sums, keys sorted to avoid deadlocks."""
    if not rows:
        return
    ordered = sorted(rows.items(), key=lambda item: tuple((v is None, v) for v in item[0]))
    arrays = [[k[i] for k, _ in ordered] for i in range(len(key))]
    arrays += [[(Decimal if col in MONEY_COLUMNS else int)(sums.get(col, 0)) for _, sums in ordered] for col in columns]
    types = [_KEY_TYPES[k] for k in key] + ["numeric" if c in MONEY_COLUMNS else "bigint" for c in columns]
    names = ", ".join([*key, *columns])
    unnest = ", ".join(f"%s::{t}[]" for t in types)
    updates = ", ".join(f"{c} = {table}.{c} + EXCLUDED.{c}" for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT * FROM unnest({unnest}) "  # noqa: S608 (names are ours)
            f"ON CONFLICT ON CONSTRAINT {constraint} DO UPDATE SET {updates}",
            arrays,
        )


def rollups_apply(events: Iterable[StoredEvent]) -> None:
    """Add freshly stored events to rollups, fan balances and customer-days (caller's transaction)."""
    rollups: dict[tuple, dict] = defaultdict(lambda: defaultdict(int))
    member_days: dict[tuple, dict] = defaultdict(lambda: defaultdict(int))
    balances: dict[tuple, dict] = defaultdict(lambda: defaultdict(int))
    customer_days: dict[tuple, dict] = defaultdict(lambda: defaultdict(int))
    for event in events:
        deltas = _column_deltas(event)
        row = rollups[(event.day, event.member_id, event.channel, event.campaign_id)]
        coarse = member_days[(event.day, event.member_id)]
        for column, value in deltas.items():
            row[column] += value
            coarse[column] += value
        if event.kind == EventKind.FAN_ADDED or event.kind in POOL_LEAVING:
            sign = 1 if event.kind == EventKind.FAN_ADDED else -1
            balances[(event.member_id, event.channel, event.campaign_id)]["net"] += sign * event.quantity
        if event.kind == EventKind.ORDER and event.customer_id is not None:
            day = customer_days[(event.customer_id, event.day, event.member_id, event.channel, event.campaign_id)]
            day["orders"] += 1
            day["gmv"] += event.amount
    _upsert_sums(DailyRollup._meta.db_table, ROLLUP_KEY, "rollup_key", rollups, ROLLUP_COLUMNS)
    _upsert_sums(MemberDayRollup._meta.db_table, MEMBER_DAY_KEY, "member_day_key", member_days, ROLLUP_COLUMNS)
    _upsert_sums(FanBalance._meta.db_table, BALANCE_KEY, "fan_balance_key", balances, ["net"])
    _upsert_sums(CustomerDay._meta.db_table, CUSTOMER_DAY_KEY, "customer_day_key", customer_days, ["orders", "gmv"])


# --- customers -------------------------------------------------------------------------------

_FIRST = "(array_agg({col} ORDER BY e.occurred_at, e.id) FILTER (WHERE {cond}))[1]"
_LEAVING = ", ".join(f"'{kind}'" for kind in POOL_LEAVING)
_CUSTOMER_FACTS = f"""
    SELECT e.customer_id,
        min(e.occurred_at) AS first_seen_at,
        (array_agg(e.day ORDER BY e.occurred_at, e.id))[1] AS joined_on,
        {_FIRST.format(col="e.member_id", cond="e.member_id IS NOT NULL")} AS owner_id,
        coalesce({_FIRST.format(col="e.channel", cond="e.channel <> ''")}, '') AS channel,
        {_FIRST.format(col="e.campaign_id", cond="e.campaign_id IS NOT NULL")} AS campaign_id,
        count(*) FILTER (WHERE e.kind = 'order') AS orders_count,
        coalesce(sum(e.amount) FILTER (WHERE e.kind = 'order'), 0) AS gmv_total,
        min(e.day) FILTER (WHERE e.kind = 'order') AS first_order_on,
        max(e.day) FILTER (WHERE e.kind = 'order') AS last_order_on,
        max(e.day) FILTER (WHERE e.kind = ANY(%(contact)s)) AS last_contact_on,
        CASE WHEN max(e.occurred_at) FILTER (WHERE e.kind IN ({_LEAVING}))
                  > coalesce(max(e.occurred_at) FILTER (WHERE e.kind = 'fan_added'), '-infinity')
             THEN (array_agg(e.day ORDER BY e.occurred_at DESC, e.id DESC) FILTER (WHERE e.kind IN ({_LEAVING})))[1]
        END AS left_on,
        min(e.occurred_at) FILTER (WHERE e.member_id IS NOT NULL) AS owner_seen_at,
        min(e.occurred_at) FILTER (WHERE e.channel <> '') AS channel_seen_at,
        min(e.occurred_at) FILTER (WHERE e.campaign_id IS NOT NULL) AS campaign_seen_at,
        max(e.occurred_at) FILTER (WHERE e.kind = 'fan_added') AS last_added_at,
        max(e.occurred_at) FILTER (WHERE e.kind IN ({_LEAVING})) AS last_deleted_at,
        (array_agg(e.day ORDER BY e.occurred_at DESC, e.id DESC) FILTER (WHERE e.kind IN ({_LEAVING})))[1]
            AS last_deleted_on,
        coalesce((SELECT array_agg(DISTINCT tag ORDER BY tag) FROM {Event._meta.db_table} t, unnest(t.tags) tag
                  WHERE t.customer_id = e.customer_id), ARRAY[]::varchar[]) AS tags
    FROM {Event._meta.db_table} e
    WHERE e.customer_id IS NOT NULL {{only}}
    GROUP BY e.customer_id
"""  # noqa: S608 (table names are ours)
_FACT_COLUMNS = (
    "first_seen_at",
    "joined_on",
    "owner_id",
    "channel",
    "campaign_id",
    "orders_count",
    "gmv_total",
    "first_order_on",
    "last_order_on",
    "last_contact_on",
    "left_on",
    "tags",
    "owner_seen_at",
    "channel_seen_at",
    "campaign_seen_at",
    "last_added_at",
    "last_deleted_at",
    "last_deleted_on",
)


def customers_refresh(customer_ids: Iterable[int] | None = None) -> None:
    """Recompute customers' derived fields from their events (all customers when ids is None)."""
    ids = None if customer_ids is None else sorted(set(customer_ids))
    if ids == []:
        return
    only = "" if ids is None else "AND e.customer_id = ANY(%(ids)s)"
    assignments = ", ".join(f"{col} = facts.{col}" for col in _FACT_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Customer._meta.db_table} c SET {assignments} "  # noqa: S608 (names are ours)
            f"FROM ({_CUSTOMER_FACTS.format(only=only)}) facts WHERE c.id = facts.customer_id",
            {"ids": ids, "contact": [str(kind) for kind in CONTACT_KINDS]},
        )


@dataclass
class _Facts:
    """One customer's facts from one batch of events, taken in the order they were stored."""

    first_seen_at: datetime
    joined_on: date
    owner_seen_at: datetime | None = None
    owner_id: int | None = None
    channel_seen_at: datetime | None = None
    channel: str = ""
    campaign_seen_at: datetime | None = None
    campaign_id: int | None = None
    orders: int = 0
    gmv: Decimal = Decimal(0)
    first_order_on: date | None = None
    last_order_on: date | None = None
    last_contact_on: date | None = None
    last_added_at: datetime | None = None
    last_deleted_at: datetime | None = None
    last_deleted_on: date | None = None
    tags: set = field(default_factory=set)


def _batch_facts(events: Iterable[tuple[StoredEvent, list[str]]]) -> dict[int, _Facts]:
    facts: dict[int, _Facts] = {}
    for event, tags in events:
        assert event.customer_id is not None  # the caller passes customers' events only
        at, day = event.occurred_at, event.day
        f = facts.get(event.customer_id)
        if f is None:
            f = facts[event.customer_id] = _Facts(at, day)
        elif at < f.first_seen_at:  # strictly earlier: on a tie the event stored first stays first
            f.first_seen_at, f.joined_on = at, day
        if event.member_id is not None and (f.owner_seen_at is None or at < f.owner_seen_at):
            f.owner_seen_at, f.owner_id = at, event.member_id
        if event.channel and (f.channel_seen_at is None or at < f.channel_seen_at):
            f.channel_seen_at, f.channel = at, event.channel
        if event.campaign_id is not None and (f.campaign_seen_at is None or at < f.campaign_seen_at):
            f.campaign_seen_at, f.campaign_id = at, event.campaign_id
        if event.kind == EventKind.ORDER:
            f.orders += 1
            f.gmv += event.amount
            f.first_order_on = min(filter(None, (f.first_order_on, day)))
            f.last_order_on = max(filter(None, (f.last_order_on, day)))
        if event.kind in CONTACT_KINDS:
            f.last_contact_on = max(filter(None, (f.last_contact_on, day)))
        if event.kind == EventKind.FAN_ADDED:
            f.last_added_at = max(filter(None, (f.last_added_at, at)))
        if event.kind in POOL_LEAVING and (f.last_deleted_at is None or at >= f.last_deleted_at):
            f.last_deleted_at, f.last_deleted_on = at, day  # on a tie the event stored last counts
        f.tags.update(tags)
    return facts


_MERGE_COLUMNS = {  # batch column → its SQL type in the unnest
    "id": "bigint",
    "first_seen_at": "timestamptz",
    "joined_on": "date",
    "owner_seen_at": "timestamptz",
    "owner_id": "bigint",
    "channel_seen_at": "timestamptz",
    "channel": "text",
    "campaign_seen_at": "timestamptz",
    "campaign_id": "bigint",
    "orders": "integer",
    "gmv": "numeric",
    "first_order_on": "date",
    "last_order_on": "date",
    "last_contact_on": "date",
    "last_added_at": "timestamptz",
    "last_deleted_at": "timestamptz",
    "last_deleted_on": "date",
    "tags": "text",
}
_NEW_LAST_DELETED_ON = (
    "CASE WHEN b.last_deleted_at >= coalesce(c.last_deleted_at, '-infinity') "
    "THEN b.last_deleted_on ELSE c.last_deleted_on END"
)
_MERGE = f"""
    UPDATE {Customer._meta.db_table} c SET
        joined_on = CASE WHEN b.first_seen_at < c.first_seen_at THEN b.joined_on ELSE c.joined_on END,
        first_seen_at = LEAST(c.first_seen_at, b.first_seen_at),
        owner_id = CASE WHEN b.owner_seen_at < coalesce(c.owner_seen_at, 'infinity') THEN b.owner_id
                        ELSE c.owner_id END,
        owner_seen_at = LEAST(c.owner_seen_at, b.owner_seen_at),
        channel = CASE WHEN b.channel_seen_at < coalesce(c.channel_seen_at, 'infinity') THEN b.channel
                       ELSE c.channel END,
        channel_seen_at = LEAST(c.channel_seen_at, b.channel_seen_at),
        campaign_id = CASE WHEN b.campaign_seen_at < coalesce(c.campaign_seen_at, 'infinity') THEN b.campaign_id
                           ELSE c.campaign_id END,
        campaign_seen_at = LEAST(c.campaign_seen_at, b.campaign_seen_at),
        orders_count = c.orders_count + b.orders,
        gmv_total = c.gmv_total + b.gmv,
        first_order_on = LEAST(c.first_order_on, b.first_order_on),
        last_order_on = GREATEST(c.last_order_on, b.last_order_on),
        last_contact_on = GREATEST(c.last_contact_on, b.last_contact_on),
        last_added_at = GREATEST(c.last_added_at, b.last_added_at),
        last_deleted_at = GREATEST(c.last_deleted_at, b.last_deleted_at),
        last_deleted_on = {_NEW_LAST_DELETED_ON},
        left_on = CASE WHEN GREATEST(c.last_deleted_at, b.last_deleted_at)
                            > coalesce(GREATEST(c.last_added_at, b.last_added_at), '-infinity')
                       THEN {_NEW_LAST_DELETED_ON} END,
        tags = CASE WHEN b.tags = '' THEN c.tags
                    ELSE (SELECT array_agg(DISTINCT tag ORDER BY tag)
                          FROM unnest(c.tags || string_to_array(b.tags, %s)::varchar[]) tag) END
    FROM (SELECT * FROM unnest({", ".join(f"%s::{t}[]" for t in _MERGE_COLUMNS.values())})
          AS t({", ".join(_MERGE_COLUMNS)})) b
    WHERE c.id = b.id
"""  # noqa: S608 (table name is ours)
_TAG_SEPARATOR = "\x1f"


def customers_merge(events: Iterable[tuple[StoredEvent, list[str]]]) -> None:
    """Fold freshly stored events (with their customer tags) into their customers' facts: the
    batch's own facts merged with the stored ones, never reading the customers' older events."""
    facts = _batch_facts((event, tags) for event, tags in events if event.customer_id is not None)
    if not facts:
        return
    ids = sorted(facts)
    columns: list[list] = []
    for name in _MERGE_COLUMNS:
        if name == "id":
            columns.append(ids)
        elif name == "tags":
            columns.append([_TAG_SEPARATOR.join(sorted(facts[i].tags)) for i in ids])
        else:
            columns.append([getattr(facts[i], name) for i in ids])
    with connection.cursor() as cursor:  # customers locked in id order: concurrent batches never deadlock
        cursor.execute(
            f"SELECT 1 FROM {Customer._meta.db_table} WHERE id = ANY(%s) ORDER BY id FOR UPDATE",  # noqa: S608
            [ids],
        )
        cursor.execute(_MERGE, [_TAG_SEPARATOR, *columns])


# --- rebuild -----------------------------------------------------------------------------------


def _rollup_select_sql(table: str, key: tuple[str, ...]) -> str:
    sums = []
    for column in ROLLUP_COLUMNS:
        kinds = [kind for kind, col in KIND_COLUMN.items() if col == column]
        if kinds:
            expr = f"sum(quantity) FILTER (WHERE kind IN ({', '.join(repr(str(k)) for k in kinds)}))"
        elif column == "orders":
            expr = "count(*) FILTER (WHERE kind = 'order')"
        elif column == "items":
            expr = "sum(quantity) FILTER (WHERE kind = 'order')"
        elif column == "gmv":
            expr = "sum(amount) FILTER (WHERE kind = 'order')"
        else:  # cost
            expr = "sum(amount) FILTER (WHERE kind = 'cost')"
        sums.append(f"coalesce({expr}, 0)")
    return (
        f"INSERT INTO {table} ({', '.join([*key, *ROLLUP_COLUMNS])}) "  # noqa: S608
        f"SELECT {', '.join(key)}, {', '.join(sums)} FROM {Event._meta.db_table} "
        f"GROUP BY {', '.join(key)}"
    )


@transaction.atomic
def rollups_rebuild(*, time_zone: str) -> None:
    """Recompute every read model from the events, re-deriving each event's local day first.

    Ingestion waits meanwhile (the rollup table is locked), so no batch falls between the two.
    """
    event, rollup, member_day = Event._meta.db_table, DailyRollup._meta.db_table, MemberDayRollup._meta.db_table
    balance, customer_day = FanBalance._meta.db_table, CustomerDay._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {rollup}, {member_day}, {balance}, {customer_day} IN EXCLUSIVE MODE")
        cursor.execute(
            f"UPDATE {event} SET day = (occurred_at AT TIME ZONE %s)::date "  # noqa: S608
            f"WHERE day <> (occurred_at AT TIME ZONE %s)::date",
            [time_zone, time_zone],
        )
        cursor.execute(f"DELETE FROM {rollup}")  # noqa: S608
        cursor.execute(f"DELETE FROM {member_day}")  # noqa: S608
        cursor.execute(f"DELETE FROM {balance}")  # noqa: S608
        cursor.execute(f"DELETE FROM {customer_day}")  # noqa: S608
        cursor.execute(_rollup_select_sql(rollup, ROLLUP_KEY))
        cursor.execute(_rollup_select_sql(member_day, MEMBER_DAY_KEY))
        cursor.execute(
            f"INSERT INTO {balance} (member_id, channel, campaign_id, net) "  # noqa: S608
            f"SELECT member_id, channel, campaign_id, "
            f"sum(CASE WHEN kind = 'fan_added' THEN quantity ELSE -quantity END) FROM {event} "
            f"WHERE kind IN ('fan_added', {_LEAVING}) GROUP BY member_id, channel, campaign_id"
        )
        cursor.execute(
            f"INSERT INTO {customer_day} ({', '.join(CUSTOMER_DAY_KEY)}, orders, gmv) "  # noqa: S608
            f"SELECT {', '.join(CUSTOMER_DAY_KEY)}, count(*), sum(amount) FROM {event} "
            f"WHERE kind = 'order' AND customer_id IS NOT NULL GROUP BY {', '.join(CUSTOMER_DAY_KEY)}"
        )
    customers_refresh()
