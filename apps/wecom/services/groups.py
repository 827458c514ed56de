"""Customer groups (客户群) from groupchat/get: the group, its owner, its members now and per day,
and each customer joining or leaving as an event (group_join / group_leave) for the owner."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.common.periods import brand_today
from apps.kpis.catalogue import Channel, EventKind
from apps.kpis.services.events import events_ingest
from apps.tenants.selectors import current_brand
from apps.wecom.models import CustomerGroup, GroupDay, Member
from apps.wecom.services.contacts import event_id

STAFF, CUSTOMER = 1, 2


def _when(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC) if seconds > 0 else timezone.now()


@transaction.atomic
def group_store(chat: dict, counts: Counter) -> None:
    """One group as groupchat/get describes it (its member_list is everyone in it now)."""
    chat_id = str(chat["chat_id"])
    roster = {
        str(m["userid"]): [int(m.get("type") or CUSTOMER), int(m.get("join_time") or 0)]
        for m in chat.get("member_list") or []
        if m.get("userid")
    }
    group = CustomerGroup.objects.select_for_update().filter(chat_id=chat_id).first()
    before = group.roster if group is not None else {}
    owner_userid = str(chat.get("owner") or "")
    owner = Member.objects.filter(userid=owner_userid).values_list("person_id", "person__email").first()
    fields = {
        "name": str(chat.get("name") or "")[:100],
        "owner_userid": owner_userid,
        "owner_id": owner[0] if owner else None,
        "created_at": _when(int(chat.get("create_time") or 0)),
        "dismissed_at": None,
        "member_count": len(roster),
        "customer_count": sum(1 for kind, _t in roster.values() if kind == CUSTOMER),
        "roster": roster,
    }
    if group is None:
        group = CustomerGroup.objects.create(chat_id=chat_id, **fields)
        counts["groups_new"] += 1
    else:
        CustomerGroup.objects.filter(pk=group.pk).update(**fields)
    _moves(group, before, roster, owner[1] if owner else "", counts)


@transaction.atomic
def group_dismiss(chat_id: str, counts: Counter) -> None:
    group = CustomerGroup.objects.select_for_update().filter(chat_id=chat_id, dismissed_at__isnull=True).first()
    if group is None:
        return
    before = group.roster
    CustomerGroup.objects.filter(pk=group.pk).update(
        dismissed_at=timezone.now(), member_count=0, customer_count=0, roster={}
    )
    owner = Member.objects.filter(userid=group.owner_userid).values_list("person__email", flat=True).first()
    _moves(group, before, {}, owner or "", counts)
    counts["groups_dismissed"] += 1


def _moves(group: CustomerGroup, before: dict, after: dict, owner_email: str, counts: Counter) -> None:
    """Customers who joined or left since we last looked: events, and today's figures."""
    now = timezone.now()
    joined = [(who, when) for who, (kind, when) in after.items() if kind == CUSTOMER and who not in before]
    left = [(who, before[who][1]) for who, (kind, _t) in before.items() if kind == CUSTOMER and who not in after]
    items = [
        {
            "external_id": event_id("join", group.chat_id, who, when),
            "kind": EventKind.GROUP_JOIN,
            "occurred_at": _when(when).isoformat(),
            "member": owner_email,
            "customer": who,
            "channel": Channel.COMMUNITY,
        }
        for who, when in joined
    ] + [
        {
            "external_id": event_id("leave", group.chat_id, who, when),
            "kind": EventKind.GROUP_LEAVE,
            "occurred_at": now.isoformat(),
            "member": owner_email,
            "customer": who,
            "channel": Channel.COMMUNITY,
        }
        for who, when in left
    ]
    if items:
        result = events_ingest(items=items)
        counts["group_moves"] += result.created
    time_zone = current_brand().time_zone
    today = brand_today(time_zone)
    start_of_today = datetime.combine(today, datetime.min.time(), ZoneInfo(time_zone))
    joins_today = sum(1 for _who, when in joined if _when(when) >= start_of_today)
    day, _created = GroupDay.objects.get_or_create(group=group, day=today)
    GroupDay.objects.filter(pk=day.pk).update(
        members=len(after), joins=F("joins") + joins_today, leaves=F("leaves") + len(left)
    )
