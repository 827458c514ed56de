"""Chat messages in: a batch of up to 1,000, idempotent by message id, answered per item.

Stored messages are scanned in the background (tasks.scan_messages, enqueued on commit); a
periodic sweep picks up any that a lost task left unscanned.
"""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils.translation import gettext as _
from rest_framework import serializers

from apps.common.batches import MAX_BATCH, BatchResult, FieldValidator, retrying
from apps.common.queue import send_on_commit_or_leave_to_sweep
from apps.compliance.models import MAX_TEXT_BYTES, Message
from apps.kpis.extensions import figures_changed
from apps.kpis.selectors.targets import kpi_settings
from apps.organisation.selectors import person_ids_by_ref
from apps.tenants.selectors import current_brand


class MessageInSerializer(serializers.Serializer):
    """One message as a WeCom conversation archive export gives it."""

    message_id = serializers.CharField(max_length=128, help_text="msgid: a replay with the same id is ignored.")
    conversation_id = serializers.CharField(max_length=128)
    rep = serializers.CharField(max_length=254, help_text="The rep: employee number (工号) or email.")
    customer = serializers.CharField(max_length=100, help_text="The customer's reference (external userid).")
    direction = serializers.ChoiceField(choices=Message.Direction.choices)
    sent_at = serializers.DateTimeField(help_text="ISO 8601; without an offset, the brand's time zone.")
    msg_type = serializers.ChoiceField(choices=Message.Type.choices, default=Message.Type.TEXT)
    text = serializers.CharField(
        allow_blank=True, required=False, default="", trim_whitespace=False, help_text="At most 64 KB (UTF-8)."
    )


class MessageBatchSerializer(serializers.Serializer):
    messages = MessageInSerializer(many=True, max_length=MAX_BATCH, allow_empty=False)  # type: ignore[call-arg]


_INSERT = f"""
    INSERT INTO {Message._meta.db_table}
        (message_id, conversation_id, rep_id, customer_ref, direction, sent_at, day, msg_type, text, created_at)
    SELECT *, now() FROM unnest(%s::text[], %s::text[], %s::bigint[], %s::text[], %s::text[], %s::timestamptz[],
                                %s::date[], %s::text[], %s::text[])
    ON CONFLICT (message_id) DO NOTHING
    RETURNING id, message_id
"""  # noqa: S608 (table name is ours)


def messages_ingest(*, items: Sequence, scan_later: bool = True) -> tuple[BatchResult, list[int]]:
    """Store what is new and (after the commit) send it to be scanned; return the per-item
    answers and the ids stored now. `scan_later=False`: the caller scans them itself (the demo)."""
    brand_tz = ZoneInfo(current_brand().time_zone)
    results, valid = FieldValidator(
        MessageInSerializer,
        time_zone=brand_tz,
        moment_field="sent_at",
        future_minutes=kpi_settings().future_tolerance_minutes,
    ).all(items)
    reps = person_ids_by_ref({clean["rep"] for _r, clean in valid})
    rows, seen = [], set()
    for result, clean in valid:
        if len(clean["text"].encode()) > MAX_TEXT_BYTES:
            result.status, result.errors = "error", {"text": [_("消息超过 64 KB，未保存。")]}
        elif clean["rep"] not in reps:
            result.status, result.errors = (
                "error",
                {"rep": [_("本品牌没有工号或邮箱为 %(ref)s 的人员。") % {"ref": clean["rep"]}]},
            )
        elif clean["message_id"] in seen:
            result.status = "duplicate"
        else:
            seen.add(clean["message_id"])
            rows.append((result, clean))
    if not rows:
        return BatchResult(results), []
    rows.sort(key=lambda item: item[1]["message_id"])  # one lock order for concurrent batches
    columns = [
        [c["message_id"] for _r, c in rows],
        [c["conversation_id"] for _r, c in rows],
        [reps[c["rep"]] for _r, c in rows],
        [c["customer"] for _r, c in rows],
        [c["direction"] for _r, c in rows],
        [c["sent_at"] for _r, c in rows],
        [c["sent_at"].astimezone(brand_tz).date() for _r, c in rows],
        [c["msg_type"] for _r, c in rows],
        [c["text"].replace("\x00", "") for _r, c in rows],
    ]

    def insert() -> dict[str, int]:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_INSERT, columns)
            stored = {message_id: pk for pk, message_id in cursor.fetchall()}
            sent = [clean for _r, clean in rows if clean["message_id"] in stored]
            figures_changed(  # messages sent is a KPI
                member_ids={reps[c["rep"]] for c in sent}, days={c["sent_at"].astimezone(brand_tz).date() for c in sent}
            )
            return stored

    stored = retrying(insert)
    for result, clean in rows:
        result.status = "created" if clean["message_id"] in stored else "duplicate"
    if stored and scan_later:
        from apps.compliance.tasks import scan_messages

        send_on_commit_or_leave_to_sweep(scan_messages, list(stored.values()))
    return BatchResult(results), list(stored.values())
