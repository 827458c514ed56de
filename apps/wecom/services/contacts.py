"""External contacts (our customers) and who follows them, from what WeCom says, into the brand:
contacts and follows kept, each follow's add counted as a fan_added event for its rep (with the
channel and campaign of the channel code whose state it carries), the customer's name and tags on
their record; the ends of follows counted apart: the rep deleted the customer (fan_removed, and
their lead is told) or the customer deleted the rep (fan_deleted).

Event ids are built from the follow (rep, customer, WeCom's add time), so the sync and a callback
telling of the same add store it once, and a re-add later is an add of its own."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import transaction
from django.utils import timezone

from apps.kpis.catalogue import Channel, EventKind
from apps.kpis.services.customers import Profile, customer_profiles_set
from apps.kpis.services.events import events_ingest
from apps.wecom.models import ChannelCode, ExternalContact, Follow, Handover, Member, RemovalAlert

MAX_TAGS = 20


@dataclass
class FollowFacts:
    """One rep following one customer, as WeCom's contact APIs describe it."""

    userid: str
    external_userid: str
    name: str = ""
    kind: int = 1
    corp_name: str = ""
    unionid: str = ""
    remark: str = ""
    tags: list[str] = field(default_factory=list)
    createtime: int = 0
    add_way: int | None = None
    state: str = ""


def facts_of(contact: dict, follow: dict, tag_names: dict[str, str] | None = None) -> FollowFacts:
    """From an external_contact and one follow_user/follow_info item (tags by name, or by id
    looked up in `tag_names`)."""
    if "tags" in follow:
        tags = [str(t.get("tag_name") or "") for t in follow.get("tags") or []]
    else:
        tags = [(tag_names or {}).get(str(t), "") for t in follow.get("tag_id") or []]
    return FollowFacts(
        userid=str(follow.get("userid") or ""),
        external_userid=str(contact.get("external_userid") or ""),
        name=str(contact.get("name") or "")[:100],
        kind=int(contact.get("type") or 1),
        corp_name=str(contact.get("corp_name") or "")[:100],
        unionid=str(contact.get("unionid") or "")[:64],
        remark=str(follow.get("remark") or "")[:100],
        tags=[t[:50] for t in tags if t][:MAX_TAGS],
        createtime=int(follow.get("createtime") or 0),
        add_way=follow.get("add_way"),
        state=str(follow.get("state") or "")[:30],
    )


def event_id(word: str, *parts: object) -> str:
    """Our id for an event WeCom told us of: readable, or a digest when the parts are too long."""
    text = ":".join(str(part) for part in ("wecom", word, *parts))
    return text if len(text) <= 100 else f"wecom:{word}:{hashlib.sha256(text.encode()).hexdigest()}"


def _moment(createtime: int) -> datetime:
    return datetime.fromtimestamp(createtime, UTC) if createtime > 0 else timezone.now()


def _person_emails(userids: set[str]) -> dict[str, tuple[int, str]]:
    return {
        userid: (pk, email)
        for userid, pk, email in Member.objects.filter(userid__in=userids).values_list(
            "userid", "person_id", "person__email"
        )
    }


def _codes(states: set[str]) -> dict[str, tuple[str, str]]:
    """(channel, campaign code) of the channel codes with these states."""
    return {
        state: (channel, campaign or "")
        for state, channel, campaign in ChannelCode.objects.filter(state__in=states - {""}).values_list(
            "state", "channel", "campaign__code"
        )
    }


@transaction.atomic
def follows_store(facts: list[FollowFacts], counts: Counter, *, seen_in: int | None = None) -> None:
    """Keep these follows (new or refreshed) and count each new add once. `seen_in`: the sync
    run that read them."""
    facts = [f for f in facts if f.userid and f.external_userid]
    if not facts:
        return
    now = timezone.now()
    contacts = ExternalContact.objects.bulk_create(
        [
            ExternalContact(
                external_userid=f.external_userid,
                name=f.name,
                kind=f.kind,
                corp_name=f.corp_name,
                unionid=f.unionid,
                refreshed_at=now,
            )
            for f in {f.external_userid: f for f in facts}.values()
        ],
        update_conflicts=True,
        unique_fields=["external_userid"],
        update_fields=["name", "kind", "corp_name", "unionid", "refreshed_at"],
    )
    contact_ids = {c.external_userid: c.pk for c in contacts}
    people = _person_emails({f.userid for f in facts})
    Follow.objects.bulk_create(
        [
            Follow(
                contact_id=contact_ids[f.external_userid],
                userid=f.userid,
                person_id=people.get(f.userid, (None, ""))[0],
                remark=f.remark,
                tags=f.tags,
                added_at=_moment(f.createtime),
                add_way=f.add_way,
                state=f.state,
                removed_at=None,
                lost_at=None,
                seen_in=seen_in,
            )
            for f in {(f.userid, f.external_userid): f for f in facts}.values()
        ],
        update_conflicts=True,
        unique_fields=["contact", "userid"],
        update_fields=[
            "person",
            "remark",
            "tags",
            "added_at",
            "add_way",
            "state",
            "removed_at",
            "lost_at",
            *(["seen_in"] if seen_in is not None else []),
        ],
    )
    _handovers_done(facts, now)
    codes = _codes({f.state for f in facts})
    items = []
    for f in facts:
        channel, campaign = codes.get(f.state, (Channel.WECOM, ""))
        items.append(
            {
                "external_id": event_id("add", f.userid, f.external_userid, f.createtime),
                "kind": EventKind.FAN_ADDED,
                "occurred_at": _moment(f.createtime).isoformat(),
                "member": people.get(f.userid, (None, ""))[1],
                "customer": f.external_userid,
                "channel": channel,
                "campaign": campaign,
                "tags": f.tags,
            }
        )
    result = events_ingest(items=items)
    counts["adds_new"] += result.created
    counts["adds_known"] += result.duplicates
    counts["events_refused"] += result.errors
    tags: dict[str, set[str]] = {}
    for f in facts:
        tags.setdefault(f.external_userid, set()).update(f.tags)
    customer_profiles_set({f.external_userid: Profile(f.name, sorted(tags[f.external_userid])) for f in facts})


def _handovers_done(facts: list[FollowFacts], now: datetime) -> None:
    """A customer waiting for a new owner who now follows another rep has been handed over."""
    waiting = Handover.objects.filter(resolved_at__isnull=True, external_userid__in={f.external_userid for f in facts})
    followers: dict[str, set[str]] = {}
    for f in facts:
        followers.setdefault(f.external_userid, set()).add(f.userid)
    done = [
        pk for pk, euid, userid in waiting.values_list("pk", "external_userid", "userid") if followers[euid] - {userid}
    ]
    if done:
        Handover.objects.filter(pk__in=done).update(resolved_at=now)


@transaction.atomic
def follow_end(userid: str, external_userid: str, *, by_rep: bool, alert: bool, at: datetime, counts: Counter) -> None:
    """A follow ended: `by_rep`, the rep deleted the customer (their lead told when `alert`);
    otherwise the customer deleted the rep."""
    follow = (
        Follow.objects.select_related("contact").filter(userid=userid, contact__external_userid=external_userid).first()
    )
    if follow is not None and (follow.removed_at or follow.lost_at):
        return  # already ended (a repeat, or the other side ended it first)
    started = int(follow.added_at.timestamp()) if follow and follow.added_at else int(at.timestamp())
    if follow is not None:
        Follow.objects.filter(pk=follow.pk).update(**{"removed_at" if by_rep else "lost_at": at})
    person = _person_emails({userid}).get(userid)
    kind, word = (EventKind.FAN_REMOVED, "removed") if by_rep else (EventKind.FAN_DELETED, "lost")
    result = events_ingest(
        items=[
            {
                "external_id": event_id(word, userid, external_userid, started),
                "kind": kind,
                "occurred_at": at.isoformat(),
                "member": person[1] if person else "",
                "customer": external_userid,
            }
        ]
    )
    counts[f"fans_{word}"] += result.created
    if alert and person is not None and result.created:
        RemovalAlert.objects.get_or_create(
            rep_id=person[0],
            external_userid=external_userid,
            at=at,
            defaults={"customer_name": follow.contact.name if follow else ""},
        )


def alerts_seen(alerts) -> int:
    """The viewer has read these removal alerts."""
    return RemovalAlert.objects.filter(pk__in=alerts.filter(seen_at__isnull=True).values("pk")).update(
        seen_at=timezone.now()
    )
