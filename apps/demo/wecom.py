"""The demo brand's WeCom: a simulated corp mirroring its stores and people, channel codes for its
latest campaigns, two weeks of customers who added reps (most through the codes) and a few
customer groups. The brand is connected to it and synced through the real connector, against the
simulator served in-process for the purpose; `make run` then serves the same corp (the file
written here) and keeps it moving."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.test.utils import override_settings
from django.utils import timezone

from apps.kpis.models import Campaign
from apps.kpis.services.events import events_ingest
from apps.organisation.models import Team
from apps.organisation.roles import Role
from apps.wecom.models import ChannelCode, Member, SyncRun
from apps.wecom.services import sync
from apps.wecom.services.connection import connection_to_simulator
from apps.wecom.simulator import GIVEN, SURNAMES, TAGS, Contact, Corp, Group, Simulator, corp_save
from apps.wecom.simulator import Member as CorpMember

User = get_user_model()
HISTORY_DAYS = 14
ADDS_PER_DAY = 30
GROUPS = 8


def _token(
    rng: random.Random, length: int, alphabet: str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
) -> str:
    return "".join(rng.choice(alphabet) for _ in range(length))


def _corp(rng: random.Random, brand_name: str) -> Corp:
    corp = Corp(
        corp_id=f"ww{_token(rng, 16, '0123456789abcdef')}",
        app_secret=_token(rng, 43),
        contact_secret=_token(rng, 43),
        token=_token(rng, 16),
        aes_key=_token(rng, 43),
    )
    corp.departments = {1: {"id": 1, "name": brand_name, "parentid": 0}}
    teams = list(Team.objects.order_by("parent_id", "name"))
    dept_of: dict[int | None, int] = {}
    for team in sorted(teams, key=lambda t: (t.parent_id is not None, t.name)):
        dept_id = len(corp.departments) + 1
        dept_of[team.pk] = dept_id
        parent = dept_of.get(team.parent_id, 1)
        corp.departments[dept_id] = {"id": dept_id, "name": team.name, "parentid": parent}
    for person in User.objects.filter(is_active=True).select_related("membership").order_by("email"):
        team_id = getattr(getattr(person, "membership", None), "team_id", None)
        userid = person.employee_no or person.email.split("@")[0]
        corp.members[userid] = CorpMember(
            userid=userid,
            name=person.full_name,
            department=[dept_of.get(team_id, 1)],
            mobile=person.phone,
            email=person.email,
            follows=Role.SALES_REP in person.roles,
        )
    return corp


def _codes(rng: random.Random, corp: Corp, today: date) -> list[tuple[ChannelCode, list[str]]]:
    """A code per recent campaign (its reps: one store's), and a store's own code."""
    stores = list(Team.objects.filter(kind=Team.Kind.STORE).order_by("name"))
    users = {
        store.pk: [m.userid for m in corp.members.values() if m.follows and m.department == [_dept(corp, store.name)]]
        for store in stores
    }
    plans: list[tuple[str, Campaign | None, str, Team]] = [
        (f"{campaign.name} · 门店海报", campaign, campaign.channel, stores[n % len(stores)])
        for n, campaign in enumerate(
            Campaign.objects.filter(starts_on__lte=today).exclude(code="").order_by("-ends_on", "code")[:3]
        )
    ]
    plans.append((f"{stores[0].name} · 收银台活码", None, "wecom", stores[0]))
    made = []
    for name, campaign, channel, store in plans:
        config_id, state = f"cw{_token(rng, 24, '0123456789abcdef')}", f"sy{_token(rng, 16, '0123456789abcdef')}"
        corp.ways[config_id] = {"config_id": config_id, "state": state, "user": users[store.pk], "type": 2}
        code = ChannelCode.objects.create(
            name=name,
            state=state,
            config_id=config_id,
            qr_code=f"{settings.WECOM_SIMULATOR_URL.rstrip('/')}/qr/{config_id}.png",
            campaign=campaign,
            channel=channel,
            team=store,
            cost=Decimal(rng.choice([300, 500, 800, 1200])),
        )
        code.people.set(User.objects.filter(Q(employee_no__in=users[store.pk]) | Q(email__in=users[store.pk])))
        made.append((code, users[store.pk]))
    return made


def _dept(corp: Corp, name: str) -> int:
    return next(d["id"] for d in corp.departments.values() if d["name"] == name)


def _history(rng: random.Random, corp: Corp, codes, today: date, tz: ZoneInfo) -> list[tuple[str, str, str]]:
    """Customers adding reps over the last two weeks; (userid, external_userid, code state) each."""
    reps = [m.userid for m in corp.members.values() if m.follows]
    now = timezone.now()
    added = []
    for offset in range(HISTORY_DAYS, -1, -1):
        day = today - timedelta(days=offset)
        for _ in range(rng.randint(ADDS_PER_DAY // 2, ADDS_PER_DAY)):
            at = datetime.combine(day, time(rng.randint(9, 21), rng.randint(0, 59), rng.randint(0, 59)), tz)
            if at > now:
                continue
            code, users = rng.choice(codes) if rng.random() < 0.6 else (None, reps)
            userid = rng.choice(users)
            contact = Contact(f"wm{_token(rng, 30, '0123456789abcdef')}", f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}")
            corp.follow(
                userid,
                contact,
                createtime=int(at.timestamp()),
                state=code.state if code else "",
                tags=rng.sample(TAGS, rng.randint(0, 2)),
            )
            added.append((userid, contact.external_userid, code.state if code else ""))
    return added


def _groups(rng: random.Random, corp: Corp, added) -> None:
    by_rep: dict[str, list[str]] = {}
    for userid, external_userid, _state in added:
        by_rep.setdefault(userid, []).append(external_userid)
    owners = sorted(by_rep, key=lambda u: -len(by_rep[u]))[:GROUPS]
    for n, owner in enumerate(owners, 1):
        customers = rng.sample(by_rep[owner], min(len(by_rep[owner]), rng.randint(5, 20)))
        corp.groups[f"wrdemo{n:04d}"] = Group(
            chat_id=f"wrdemo{n:04d}",
            name=f"{corp.members[owner].name}的会员福利群",
            owner=owner,
            create_time=int((timezone.now() - timedelta(days=rng.randint(15, 60))).timestamp()),
            members={owner: 1, **{who: 2 for who in customers}},
        )


def _orders(rng: random.Random, corp: Corp, added, codes) -> int:
    """A third of the customers who came through a code buy something since."""
    campaigns = {code.state: code.campaign.code if code.campaign else "" for code, _users in codes}
    emails = dict(Member.objects.values_list("userid", "person__email"))
    items = []
    now = timezone.now()
    for n, (userid, external_userid, state) in enumerate(added):
        if not state or rng.random() > 0.33:
            continue
        added_at = datetime.fromtimestamp(corp.follows[(userid, external_userid)].createtime, UTC)
        at = added_at + timedelta(hours=rng.randint(1, 96))
        if at > now:
            continue
        items.append(
            {
                "external_id": f"demo-wecom-order-{n}",
                "kind": "order",
                "occurred_at": at.isoformat(),
                "member": emails.get(userid, ""),
                "customer": external_userid,
                "campaign": campaigns[state],
                "amount": str(rng.choice([99, 129, 199, 259, 399, 599])),
            }
        )
    return events_ingest(items=items).created if items else 0


def seed_demo_wecom(*, seed: int, today: date, time_zone: str, brand_name: str, corp_file: Path) -> dict:
    """Build the corp, connect the brand to it and sync; returns what came in."""
    rng = random.Random(seed)
    tz = ZoneInfo(time_zone)
    corp = _corp(rng, brand_name)
    codes = _codes(rng, corp, today)
    added = _history(rng, corp, codes, today, tz)
    _groups(rng, corp, added)
    connection_to_simulator(corp)
    simulator = Simulator(corp).start()
    try:
        with override_settings(WECOM_SIMULATOR_URL=simulator.base_url):
            run = sync.sync_start(trigger=SyncRun.Trigger.CONNECT)
            sync.sync_continue(run.pk)
    finally:
        simulator.stop()
    run.refresh_from_db()
    assert run.status == SyncRun.Status.DONE, run.errors
    orders = _orders(rng, corp, added, codes)
    corp_save(corp, corp_file)
    return {"customers": len(added), "orders": orders, "codes": len(codes), "groups": len(corp.groups)}
