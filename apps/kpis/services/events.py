"""Events in: validate a batch item by item, store the good ones once, update the read models.

A batch answers per item (created / duplicate / error with field messages). Items are stored
with INSERT … ON CONFLICT (external_id) DO NOTHING, so a replayed batch — even one racing its
own retry — stores nothing twice, and only what was really inserted reaches the rollups.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils.translation import gettext as _
from rest_framework import serializers

from apps.common.batches import MAX_BATCH, BatchResult, FieldValidator, ItemResult, retrying
from apps.kpis.catalogue import Channel, EventKind
from apps.kpis.extensions import figures_changed
from apps.kpis.models import Campaign, Customer, Event
from apps.kpis.selectors.targets import kpi_settings
from apps.kpis.services.rollups import StoredEvent, customers_merge, rollups_apply
from apps.organisation.selectors import person_ids_by_ref
from apps.tenants.selectors import current_brand

TAG_SEPARATOR = "\x1f"


class EventInSerializer(serializers.Serializer):
    """One event as an integration sends it."""

    external_id = serializers.CharField(max_length=100, help_text="Your id for the event; a replay is ignored.")
    kind = serializers.ChoiceField(choices=EventKind.choices)
    occurred_at = serializers.DateTimeField(help_text="ISO 8601; without an offset, the brand's time zone.")
    member = serializers.CharField(
        max_length=254, required=False, allow_blank=True, help_text="The employee: employee number (工号) or email."
    )
    channel = serializers.ChoiceField(
        choices=Channel.choices, required=False, allow_blank=True, help_text="Defaults to the campaign's channel."
    )
    campaign = serializers.CharField(max_length=64, required=False, allow_blank=True, help_text="Campaign code.")
    customer = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text="Customer reference (e.g. WeCom external id)."
    )
    quantity = serializers.IntegerField(
        min_value=0, max_value=10_000_000, default=1, help_text="Count (reads, fans …); items for an order."
    )
    amount = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=Decimal(0),
        default=Decimal(0),
        help_text="Order value or cost, in the brand's currency.",
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=50), max_length=20, required=False, help_text="Customer tags seen."
    )


class EventBatchSerializer(serializers.Serializer):
    # many=True makes a ListSerializer, which takes max_length (the stubs type the child's __init__)
    events = EventInSerializer(many=True, max_length=MAX_BATCH, allow_empty=False)  # type: ignore[call-arg]


def _customer_ids(refs: set[str]) -> tuple[dict[str, int], set[int]]:
    """Ids for customer refs, creating those not seen before as blanks (first seen at the end of
    time, no facts) that the batch's events then fill in. Returns the ids by ref and the ids
    created now."""
    if not refs:
        return {}, set()
    ordered = sorted(refs)
    table = Customer._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (ref, first_seen_at, joined_on, channel, tags, orders_count, gmv_total) "  # noqa: S608
            f"SELECT ref, '9999-12-31 00:00+00', '9999-12-31', '', '{{}}', 0, 0 FROM unnest(%s::text[]) AS t(ref) "
            f"ON CONFLICT (ref) DO NOTHING RETURNING id",
            [ordered],
        )
        created = {pk for (pk,) in cursor.fetchall()}
    return dict(Customer.objects.filter(ref__in=refs).values_list("ref", "pk")), created


_INSERT_EVENTS = f"""
    INSERT INTO {Event._meta.db_table}
        (external_id, kind, occurred_at, day, member_id, channel, campaign_id, customer_id, quantity, amount,
         tags, created_at)
    SELECT external_id, kind, occurred_at, day, member_id, channel, campaign_id, customer_id, quantity, amount,
           CASE WHEN tags = '' THEN '{{}}'::varchar[] ELSE string_to_array(tags, %s)::varchar[] END, now()
    FROM unnest(%s::text[], %s::text[], %s::timestamptz[], %s::date[], %s::bigint[], %s::text[], %s::bigint[],
                %s::bigint[], %s::integer[], %s::numeric[], %s::text[]) WITH ORDINALITY
         AS t(external_id, kind, occurred_at, day, member_id, channel, campaign_id, customer_id, quantity, amount, tags,
              position)
    ORDER BY position
    ON CONFLICT (external_id) DO NOTHING
    RETURNING external_id
"""  # noqa: S608 (table name is ours)

_EVENT_COLUMNS = (
    "external_id",
    "kind",
    "occurred_at",
    "day",
    "member_id",
    "channel",
    "campaign_id",
    "customer_id",
    "quantity",
    "amount",
    "tags",
)


def _validated(items: Sequence, brand_tz: ZoneInfo) -> tuple[list[ItemResult], list[tuple[ItemResult, dict]]]:
    results, valid = FieldValidator(
        EventInSerializer,
        time_zone=brand_tz,
        moment_field="occurred_at",
        future_minutes=kpi_settings().future_tolerance_minutes,
    ).all(items)
    for _result, clean in valid:
        clean["tags"] = [tag.strip() for tag in clean.get("tags") or () if tag.strip()]
    return results, valid


def events_ingest(*, items: Sequence) -> BatchResult:
    """Store a batch of raw event dicts (API JSON or import rows); report each item's fate."""
    brand_tz = ZoneInfo(current_brand().time_zone)
    results, valid = _validated(items, brand_tz)
    if valid:
        # Stored in the order sent: events of one customer at the same instant count in that order
        # (the first owns the customer). A replay racing its original takes its locks in the same
        # order; batches sharing ids in another order may deadlock, and retrying() runs them again.
        rows = _resolved(valid, brand_tz)
        retrying(lambda: _store_atomically(rows))
    return BatchResult(results)


def _store_atomically(rows) -> None:
    with transaction.atomic():
        _store(rows)


def events_check(*, items: Sequence) -> BatchResult:
    """What ingesting would answer, without storing: "valid" for what would be created."""
    brand_tz = ZoneInfo(current_brand().time_zone)
    results, valid = _validated(items, brand_tz)
    rows = _resolved(valid, brand_tz)
    stored = set(
        Event.objects.filter(external_id__in=[row["external_id"] for _r, row in rows]).values_list(
            "external_id", flat=True
        )
    )
    for result, row in rows:
        result.status = "duplicate" if row["external_id"] in stored else "valid"
    return BatchResult(results)


def _resolved(valid: list[tuple[ItemResult, dict]], brand_tz: ZoneInfo) -> list[tuple[ItemResult, dict]]:
    """Rows ready to insert: people and campaigns looked up, local days set; the rest marked."""
    members = person_ids_by_ref({c["member"] for _, c in valid if c["member"]})
    campaigns = {
        code: (pk, channel)
        for code, pk, channel in Campaign.objects.filter(
            code__in={c["campaign"] for _, c in valid if c["campaign"]}
        ).values_list("code", "pk", "channel")
    }
    rows: list[tuple[ItemResult, dict]] = []
    seen: set[str] = set()
    for result, clean in valid:
        errors = {}
        if clean["member"] and clean["member"] not in members:
            errors["member"] = [_("本品牌没有工号或邮箱为 %(ref)s 的人员。") % {"ref": clean["member"]}]
        if clean["campaign"] and clean["campaign"] not in campaigns:
            errors["campaign"] = [_("没有代码为 %(code)s 的活动。") % {"code": clean["campaign"]}]
        if errors:
            result.status, result.errors = "error", errors
            continue
        if clean["external_id"] in seen:
            result.status = "duplicate"
            continue
        seen.add(clean["external_id"])
        campaign_id, campaign_channel = campaigns.get(clean["campaign"], (None, ""))
        rows.append(
            (
                result,
                {
                    "external_id": clean["external_id"],
                    "kind": clean["kind"],
                    "occurred_at": clean["occurred_at"],
                    "day": clean["occurred_at"].astimezone(brand_tz).date(),
                    "member_id": members.get(clean["member"]),
                    "channel": clean["channel"] or campaign_channel,
                    "campaign_id": campaign_id,
                    "customer_ref": clean["customer"],
                    "quantity": clean["quantity"],
                    "amount": clean["amount"],
                    "tags": TAG_SEPARATOR.join(clean["tags"]),
                },
            )
        )
    return rows


def _store(rows: list[tuple[ItemResult, dict]]) -> None:
    if not rows:
        return
    customer_ids, new_customers = _customer_ids({row["customer_ref"] for _r, row in rows if row["customer_ref"]})
    for _result, row in rows:
        ref = row["customer_ref"]
        row["customer_id"] = customer_ids[ref] if ref else None
    with connection.cursor() as cursor:
        cursor.execute(_INSERT_EVENTS, [TAG_SEPARATOR, *([row[c] for _, row in rows] for c in _EVENT_COLUMNS)])
        inserted = {external_id for (external_id,) in cursor.fetchall()}
    stored, tags = [], []
    for result, row in rows:
        if row["external_id"] in inserted:
            result.status = "created"
            tags.append(row["tags"].split(TAG_SEPARATOR) if row["tags"] else [])
            stored.append(
                StoredEvent(
                    row["kind"],
                    row["occurred_at"],
                    row["day"],
                    row["member_id"],
                    row["channel"],
                    row["campaign_id"],
                    row["customer_id"],
                    row["quantity"],
                    row["amount"],
                )
            )
        else:
            result.status = "duplicate"
    rollups_apply(stored)
    customers_merge(zip(stored, tags, strict=True))
    figures_changed(member_ids={event.member_id for event in stored}, days={event.day for event in stored})
    touched = {event.customer_id for event in stored if event.customer_id is not None}
    if new_customers - touched:  # created for an item that then turned out to be a replay
        Customer.objects.filter(pk__in=new_customers - touched).delete()
