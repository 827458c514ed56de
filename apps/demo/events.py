"""90 days of believable events for the demo brand, fed through the real ingestion path.

Weekends and promotions (双11, 618, 国庆, monthly member day, Friday live shows) lift adds and
orders; some reps are strong and some weak; customers come back and buy again; ops, content,
design and back-office work is recorded too; every role gets targets. The same seed and the same
"today" give the same data.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import timezone

from apps.common.periods import add_months, month_start
from apps.kpis.services.campaigns import campaign_create
from apps.kpis.services.events import MAX_BATCH, events_ingest
from apps.kpis.services.targets import target_set
from apps.organisation.models import Team
from apps.organisation.roles import Role

User = get_user_model()
DAYS = 90
TAGS = ["敏感肌", "油皮", "干皮", "学生党", "宝妈", "VIP", "价格敏感", "高复购", "美白需求", "抗老需求"]
REP_CHANNELS = ["wecom"] * 6 + ["personal_wechat"] * 3 + ["community"]


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


@dataclass
class _Rep:
    person: Any
    skill: float  # sells and adds
    care: float  # keeps fans, executes tasks
    # (ref, channel they came through, campaign that brought them or None)
    customers: list[tuple[str, str, str | None]] = field(default_factory=list)


@dataclass
class _Promo:
    code: str
    name: str
    channel: str
    starts_on: date
    ends_on: date
    lift: float
    daily_cost: int
    daily_gmv: int = 0  # what the planner expects per day: the campaign's GMV target is this × days


def _promotions(first: date, last: date) -> list[_Promo]:
    """The brand's campaigns over the window: fixed festivals plus recurring ones."""
    promos: list[_Promo] = []
    for year in {first.year, last.year}:
        for code, name, channel, start, end, lift, cost in [
            (
                f"double11-{year}",
                f"{year} 双11 狂欢节",
                "mini_program",
                date(year, 11, 1),
                date(year, 11, 11),
                2.2,
                3000,
            ),
            (f"618-{year}", f"{year} 618 年中大促", "mini_program", date(year, 6, 1), date(year, 6, 18), 1.9, 2500),
            (
                f"national-day-{year}",
                f"{year} 国庆焕新季",
                "community",
                date(year, 9, 28),
                date(year, 10, 7),
                1.5,
                1500,
            ),
        ]:
            if start <= last and end >= first:
                promos.append(_Promo(code, name, channel, start, end, lift, cost, int(cost * 2.2)))
    month = month_start(first)
    while month <= last:
        day = month.replace(day=18)
        if first <= day <= last:
            promos.append(_Promo(f"member-day-{day:%Y%m}", f"{day.month} 月会员日", "member", day, day, 1.6, 800, 4500))
        month = add_months(month, 1)
    promos.append(_Promo("wecom-scan", "企微扫码送小样", "wecom", first, last, 1.0, 300, 900))
    promos.append(_Promo("live-friday", "周五直播专场", "live", first, last, 1.0, 150, 550))
    return promos


class _Stream:
    """Collects events and ingests them a batch at a time."""

    def __init__(self):
        self.pending: list[dict] = []
        self.count = 0

    def add(self, kind: str, at: datetime, **fields) -> None:
        self.count += 1
        self.pending.append(
            {
                "external_id": f"demo-{self.count:07d}",
                "kind": kind,
                "occurred_at": at.isoformat(),
                **{k: v for k, v in fields.items() if v not in (None, "")},
            }
        )
        if len(self.pending) >= MAX_BATCH:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            result = events_ingest(items=self.pending)
            assert not result.errors, [item.errors for item in result.items if item.errors][:3]
            self.pending = []


def end_of_data(today: date, tz: ZoneInfo) -> datetime:
    """Today's data stops at a fixed hour (the same seed on the same day gives the same events),
    or now when seeding earlier than that: nothing is dated in the future."""
    return min(datetime.combine(today, time(10), tz), timezone.now())


def seed_demo_kpis(*, seed: int, today: date, time_zone: str = "Asia/Shanghai") -> int:
    """Campaigns, 90 days of events up to today and targets for every role; returns the event count."""
    rng = random.Random(seed)
    tz = ZoneInfo(time_zone)
    first = today - timedelta(days=DAYS - 1)
    planner = User.objects.filter(roles__contains=[Role.ACTIVITY_PLANNER]).first()
    promos = _promotions(first, today)
    for p in promos:
        campaign_create(
            code=p.code,
            name=p.name,
            channel=p.channel,
            starts_on=p.starts_on,
            ends_on=p.ends_on,
            budget=Decimal(p.daily_cost * ((p.ends_on - p.starts_on).days + 1)),
            owner=planner,
            target_gmv=Decimal(p.daily_gmv * ((p.ends_on - p.starts_on).days + 1)),
        )
    reps = [
        _Rep(person, skill=min(2.2, max(0.35, rng.lognormvariate(0, 0.45))), care=rng.uniform(0.55, 1.0))
        for person in User.objects.filter(roles__contains=[Role.SALES_REP]).order_by("email")
    ]
    stream = _Stream()
    now = end_of_data(today, tz)
    _existing_pool(stream, rng, reps, first, tz)
    for offset in range(DAYS):
        day = first + timedelta(days=offset)
        running = [p for p in promos if p.starts_on <= day <= p.ends_on]
        festival = max((p for p in running if p.lift > 1), key=lambda p: p.lift, default=None)
        weekend = 1.35 if day.weekday() >= 5 else 1.0
        lift = (festival.lift if festival else 1.0) * weekend
        is_friday = day.weekday() == 4

        def moment(hour_from=9, hour_to=22, _day=day):
            at = datetime.combine(_day, time(rng.randint(hour_from, hour_to - 1), rng.randint(0, 59)), tz)
            return at if at <= now else None

        for rep in reps:
            _rep_day(stream, rng, rep, day, lift, festival, is_friday, moment)
        _team_day(stream, rng, day, running, festival, moment)
    stream.flush()
    _demo_targets(rng, reps, today)
    return stream.count


def _existing_pool(stream, rng, reps: list[_Rep], first: date, tz) -> None:
    """Customers the reps already had before the 90 days: the pool does not start empty."""
    for rep in reps:
        for _ in range(int(rep.skill * rng.uniform(80, 140))):
            at = datetime.combine(first - timedelta(days=rng.randint(1, 720)), time(rng.randint(9, 21)), tz)
            ref, channel = f"wx_{rng.getrandbits(40):010x}", rng.choice(REP_CHANNELS)
            rep.customers.append((ref, channel, None))
            tags = rng.sample(TAGS, k=rng.choice([1, 1, 2])) if rng.random() < 0.6 * rep.care else []
            stream.add("fan_added", at, member=rep.person.employee_no, customer=ref, channel=channel, tags=tags)


def _rep_day(stream, rng, rep: _Rep, day, lift, festival, is_friday, moment) -> None:
    member = rep.person.employee_no or rep.person.email
    campaign = festival.code if festival and rng.random() < 0.5 else None
    if day.day == 1 and (at := moment(9, 10)):  # the month's seat, tools and incentive budget per rep
        stream.add("cost", at, member=member, channel="wecom", amount=f"{rng.uniform(300, 500):.2f}")
    for _ in range(_poisson(rng, 3.2 * rep.skill * lift**0.6)):
        if (at := moment()) is None:
            continue
        ref = f"wx_{rng.getrandbits(40):010x}"
        source = campaign or ("wecom-scan" if rng.random() < 0.25 else None)
        channel = "wecom" if source == "wecom-scan" else festival.channel if source else rng.choice(REP_CHANNELS)
        rep.customers.append((ref, channel, source))
        tags = rng.sample(TAGS, k=rng.choice([0, 1, 1, 2])) if rng.random() < 0.75 * rep.care + 0.2 else []
        stream.add(
            "fan_added", at, member=member, customer=ref, channel="" if source else channel, campaign=source, tags=tags
        )
    # New fans are the ones who leave: most deletions hit the last few weeks' adds.
    for _ in range(_poisson(rng, 0.45 * (1.7 - rep.care) * rep.skill)):
        oldest_recent = len(rep.customers) - min(len(rep.customers), 80)
        if rep.customers and (at := moment()):
            ref, channel, _source = rep.customers.pop(rng.randrange(oldest_recent, len(rep.customers)))
            stream.add("fan_deleted", at, member=member, customer=ref, channel=channel)
    if at := moment():
        stream.add("interaction", at, member=member, quantity=_poisson(rng, 9 * rep.care * lift**0.3))
        stream.add("lead", at, member=member, quantity=_poisson(rng, 4.2 * rep.skill * lift**0.5), campaign=campaign)
        stream.add(
            "moments_post", at, member=member, quantity=rng.choice([1, 2, 2, 3]) if rng.random() < rep.care else 0
        )
        assigned = 3 + (2 if festival else 0)
        stream.add("task_assigned", at, member=member, quantity=assigned)
        stream.add("task_done", at, member=member, quantity=sum(rng.random() < rep.care for _ in range(assigned)))
    recent = rep.customers[-60:]
    for kind, lam in (("connection", 1.9 * rep.skill * lift**0.5), ("follow_up", 2.5 * rep.care)):
        for _ in range(_poisson(rng, lam)):
            if recent and (at := moment()):
                ref, channel, source = rng.choice(recent)
                source = campaign or source  # during a festival, every touch is part of it
                stream.add(kind, at, member=member, customer=ref, channel="" if source else channel, campaign=source)
    _rep_orders(stream, rng, rep, member, campaign, festival, lift, is_friday, moment)
    if rng.random() < 0.06 * rep.skill and rep.customers and (at := moment()):
        ref, channel, _source = rng.choice(rep.customers)
        stream.add("referral", at, member=member, customer=ref, channel=channel)


def _rep_orders(stream, rng, rep: _Rep, member, campaign, festival, lift, is_friday, moment) -> None:
    """The rep's orders of the day: loyal customers again and again, some new ones, Friday live."""
    for _ in range(_poisson(rng, 0.45 * rep.skill * lift * (1.3 if is_friday else 1.0))):
        if not rep.customers or (at := moment(10, 23)) is None:
            continue
        # A third of orders come from the rep's dozen most loyal customers, who buy again and again.
        pick = rng.random()
        fresh = pick >= 0.55
        pool = rep.customers[:12] if pick < 0.33 else rep.customers[-40:] if fresh else rep.customers[:-10]
        ref, channel, source = rng.choice(pool or rep.customers)
        live = is_friday and rng.random() < 0.4
        amount = Decimal(str(round(rng.lognormvariate(5.55, 0.45) * (0.85 if festival else 1.0), 2)))
        # An order counts for the channel the customer is kept in, or the campaign that brought it.
        stream.add(
            "order",
            at,
            member=member,
            customer=ref,
            amount=str(amount),
            quantity=rng.choice([1, 1, 2, 3]),
            campaign="live-friday" if live else campaign or (source if fresh else None),
            channel="" if (live or campaign or (source and fresh)) else channel,
        )
        if campaign:  # coupons and the rep's commission are the campaign's cost too
            stream.add("cost", at, member=member, campaign=campaign, amount=f"{amount * Decimal('0.12'):.2f}")


def _team_day(stream, rng, day, running, festival, moment) -> None:
    """The operations team's day: campaign spend, content, design and back-office reporting."""
    people = {
        role: User.objects.filter(roles__contains=[role]).values_list("email", flat=True).first()
        for role in (Role.COPYWRITER, Role.DESIGNER, Role.PRODUCT_OPS, Role.OPS_MANAGER)
    }
    if (at := moment(9, 11)) is None:
        return
    for promo in running:
        if promo.daily_cost:
            spend = promo.daily_cost * rng.uniform(0.7, 1.3)
            stream.add("cost", at, member=people[Role.OPS_MANAGER], campaign=promo.code, amount=f"{spend:.2f}")
    stream.add("cost", at, member=people[Role.OPS_MANAGER], channel="wecom", amount=f"{rng.uniform(300, 600):.2f}")
    weekday = day.weekday() < 5
    copy = people[Role.COPYWRITER]
    pieces = rng.choice([1, 1, 2, 3]) if weekday else rng.choice([0, 1])
    if pieces:
        stream.add("content_published", at, member=copy, quantity=pieces, channel="official_account")
        reads = int(pieces * rng.lognormvariate(7.4, 0.5) * (1.6 if festival else 1.0))
        stream.add("content_read", at, member=copy, quantity=reads, channel="official_account")
        stream.add("content_shared", at, member=copy, quantity=int(reads * rng.uniform(0.02, 0.06)))
        stream.add("content_followed", at, member=copy, quantity=int(reads * rng.uniform(0.005, 0.02)))
        stream.add("content_comment", at, member=copy, quantity=int(reads * rng.uniform(0.003, 0.012)))
    designer = people[Role.DESIGNER]
    if weekday:
        produced = rng.choice([1, 2, 2, 3, 4])
        stream.add("asset_produced", at, member=designer, quantity=produced)
        stream.add("asset_on_time", at, member=designer, quantity=sum(rng.random() < 0.88 for _ in range(produced)))
        stream.add("asset_click", at, member=designer, quantity=int(produced * rng.uniform(80, 400)))
    product = people[Role.PRODUCT_OPS]
    stream.add("report_due", at, member=product, quantity=2)
    stream.add("report_on_time", at, member=product, quantity=sum(rng.random() < 0.9 for _ in range(2)))


def _demo_targets(rng, reps: list[_Rep], today: date) -> None:
    """Targets for this month and the last two, matched to each rep's ability (some stretch, some easy)."""
    months = [add_months(month_start(today), -n) for n in (2, 1, 0)]

    def month_target(metric, value, **subject):
        for month in months:
            target_set(metric=metric, period_kind="month", period_start=month, value=Decimal(value), **subject)

    for rep in reps:
        stretch = rng.uniform(0.85, 1.25)
        month_target("gmv", int(rep.skill * 5_000 * stretch), person=rep.person)
        month_target("fans_added", int(rep.skill * 110 * stretch), person=rep.person)
        month_target("fans_deleted", max(3, int(rep.skill * 9)), person=rep.person)
        month_target("deletion_rate", 8, person=rep.person)
        month_target("conversion_rate", 15, person=rep.person)
        month_target("data_completeness", 70, person=rep.person)
        month_target("interaction_rate", 40, person=rep.person)
        month_target("violations", 1, person=rep.person)
        for month in months:
            target_set(
                metric="repurchase_rate",
                period_kind="month",
                period_start=month,
                value=Decimal(20),
                person=rep.person,
                test_phase=True,
            )
    for store in Team.objects.filter(kind=Team.Kind.STORE):
        month_target("gmv", 60_000 + rng.randint(-5, 10) * 1000, team=store)
    month_target("gmv", 300_000)
    month_target("fans_total", 24_000)
    month_target("roi", 300)
    month_target("retention_rate", 90)
    month_target("repurchase_rate", 20)
    month_target("per_capita_output", 5_500)
    roles = {
        Role.OPS_MANAGER: {
            "fans_total": 24_000,
            "gmv": 300_000,
            "roi": 300,
            "retention_rate": 90,
            "roi_long": 200,
            "per_capita_output": 5_500,
        },
        Role.ACTIVITY_PLANNER: {"gmv": 300_000, "roi": 300, "new_customers": 6_500, "cac": 12},
        Role.COPYWRITER: {"reads": 60_000, "shares": 2_400, "follows": 700, "content_published": 35},
        Role.PRODUCT_OPS: {
            "data_completeness": 75,
            "task_execution_rate": 85,
            "report_timeliness": 95,
            "tool_adoption": 90,
        },
        Role.DESIGNER: {"assets_produced": 50, "on_time_delivery": 90, "clicks_per_asset": 220},
    }
    for role, values in roles.items():
        person = User.objects.filter(roles__contains=[role]).first()
        for metric, value in values.items():
            month_target(metric, value, person=person)
