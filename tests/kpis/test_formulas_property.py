"""Property tests over random event histories:

- the read models maintained batch by batch equal a rebuild from the events, whatever the
  batching and arrival order;
- every derived metric equals its DOMAIN.md formula computed by hand from the raw events.
"""

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.accounts.models import User
from apps.common.periods import Period
from apps.kpis.catalogue import BUILT_IN
from apps.kpis.models import Campaign, Customer, CustomerDay, DailyRollup, FanBalance, MemberDayRollup
from apps.kpis.selectors.metrics import Scope, metric_values
from apps.kpis.services.events import events_ingest
from apps.kpis.services.rollups import rollups_rebuild

SHANGHAI = ZoneInfo("Asia/Shanghai")
KINDS = [
    "fan_added",
    "fan_deleted",
    "fan_removed",
    "group_join",
    "group_leave",
    "order",
    "order",
    "cost",
    "interaction",
    "connection",
    "lead",
    "referral",
    "task_assigned",
    "task_done",
    "content_published",
    "content_read",
    "report_due",
    "report_on_time",
    "asset_produced",
    "asset_on_time",
    "asset_click",
    "greeting",
]
MEMBERS = ["admin@alpha.test", "ops@alpha.test", "rep@alpha.test", ""]
NOVEMBER = Period.of("month", date(2026, 11, 1))


@st.composite
def histories(draw):
    count = draw(st.integers(min_value=1, max_value=40))
    events = []
    for n in range(count):
        moment = datetime(2026, 10, 20, tzinfo=SHANGHAI) + timedelta(
            minutes=draw(st.integers(min_value=0, max_value=60 * 24 * 35))
        )  # up to Nov 24: never in the future
        events.append(
            {
                "external_id": f"h-{n}",
                "kind": draw(st.sampled_from(KINDS)),
                "occurred_at": moment.isoformat(),
                "member": draw(st.sampled_from(MEMBERS)),
                "channel": draw(st.sampled_from(["", "wecom", "community"])),
                "campaign": draw(st.sampled_from(["", "", "c1"])),
                "customer": draw(st.sampled_from(["", "k1", "k2", "k3", "k4"])),
                "quantity": draw(st.integers(min_value=0, max_value=4)),
                "amount": str(draw(st.decimals(min_value=0, max_value=500, places=2))),
                "tags": draw(st.lists(st.sampled_from(["VIP", "新客", "敏感肌"]), max_size=2)),
            }
        )
    cuts = sorted(draw(st.lists(st.integers(min_value=0, max_value=count), max_size=4)))
    order = draw(st.permutations(range(count)))
    return events, cuts, order


def _snapshot():
    def rows(model, exclude=("id",)):
        fields = [f.attname for f in model._meta.concrete_fields if f.attname not in exclude]
        return sorted(tuple(str(v) for v in row) for row in model.objects.values_list(*fields))

    return {
        "rollups": rows(DailyRollup),
        "member_days": rows(MemberDayRollup),
        "balances": rows(FanBalance),
        "customer_days": rows(CustomerDay),
        "customers": rows(Customer),
    }


@pytest.fixture
def brand(alpha):
    with alpha:
        Campaign.objects.create(
            code="c1", name="会员日", channel="member", starts_on=date(2026, 11, 5), ends_on=date(2026, 11, 20)
        )
        yield alpha


PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@PROPERTY
@given(history=histories())
def test_incremental_read_models_equal_a_rebuild(brand, history):
    events, cuts, order = history
    shuffled = [events[i] for i in order]
    with transaction.atomic():
        for start, end in zip([0, *cuts], [*cuts, len(shuffled)], strict=True):
            if shuffled[start:end]:
                events_ingest(items=shuffled[start:end])
        incremental = _snapshot()
        rollups_rebuild(time_zone="Asia/Shanghai")
        assert _snapshot() == incremental
        transaction.set_rollback(True)


# --- the formulas, by hand ------------------------------------------------------------------


def _facts(events, period: Period, member: str | None):
    """Base figures computed straight from the raw events, the way DOMAIN.md defines them."""

    def local_day(e):
        return datetime.fromisoformat(e["occurred_at"]).astimezone(SHANGHAI).date()

    def mine(e):
        return member is None or e["member"] == member

    inside = [e for e in events if period.start <= local_day(e) <= period.end and mine(e)]

    def total(kind, field="quantity"):
        return sum((Decimal(e[field]) for e in inside if e["kind"] == kind), Decimal(0))

    f = {
        "fans_added": total("fan_added"),
        "fans_deleted": total("fan_deleted"),
        "fans_removed": total("fan_removed"),
        "group_joins": total("group_join"),
        "group_leaves": total("group_leave"),
        "interactions": total("interaction"),
        "connections": total("connection"),
        "leads": total("lead"),
        "referrals": total("referral"),
        "orders": Decimal(sum(1 for e in inside if e["kind"] == "order")),
        "gmv": total("order", "amount"),
        "cost": total("cost", "amount"),
        "tasks_assigned": total("task_assigned"),
        "tasks_done": total("task_done"),
        "content_published": total("content_published"),
        "reads": total("content_read"),
        "reports_due": total("report_due"),
        "reports_on_time": total("report_on_time"),
        "assets_produced": total("asset_produced"),
        "assets_on_time": total("asset_on_time"),
        "asset_clicks": total("asset_click"),
    }
    f["fans_total"] = sum(
        (
            Decimal(e["quantity"]) * (1 if e["kind"] == "fan_added" else -1)
            for e in events
            if e["kind"] in ("fan_added", "fan_deleted", "fan_removed") and local_day(e) <= period.end and mine(e)
        ),
        Decimal(0),
    )
    orders_by_customer = defaultdict(int)
    for e in inside:
        if e["kind"] == "order" and e["customer"]:
            orders_by_customer[e["customer"]] += 1
    f["paying_customers"] = Decimal(len(orders_by_customer))
    f["repeat_customers"] = Decimal(sum(1 for n in orders_by_customer.values() if n >= 2))
    # Customers: joined on their earliest event; owned by the member of their earliest event with one.
    by_customer = defaultdict(list)
    for e in events:
        if e["customer"]:
            by_customer[e["customer"]].append(e)
    joined, tagged, in_pool = [], 0, 0
    for ref, evs in by_customer.items():
        evs.sort(key=lambda e: e["occurred_at"])  # stable: a tie goes to the event sent first
        owner = next((e["member"] for e in evs if e["member"]), None)
        if member is not None and owner != member:
            continue
        first_day = local_day(evs[0])
        adds = [e for e in evs if e["kind"] == "fan_added"]
        deletes = [e for e in evs if e["kind"] in ("fan_deleted", "fan_removed")]
        left = None
        if deletes and (not adds or deletes[-1]["occurred_at"] > adds[-1]["occurred_at"]):
            left = local_day(deletes[-1])
        still_in = left is None or left > period.end
        if period.start <= first_day <= period.end:
            joined.append((ref, still_in, sum(Decimal(e["amount"]) for e in evs if e["kind"] == "order")))
        if first_day <= period.end and still_in:
            in_pool += 1
            tagged += any(e["tags"] for e in evs)
    f["new_customers"] = Decimal(len(joined))
    f["retained_customers"] = Decimal(sum(1 for _r, still, _g in joined if still))
    f["cohort_gmv"] = sum((g for _r, _s, g in joined), Decimal(0))
    f["customers_total"], f["customers_tagged"] = Decimal(in_pool), Decimal(tagged)
    f["active_members"] = Decimal(len({e["member"] for e in inside if e["member"]}))
    return f


def _div(a, b):
    return None if a is None or b in (None, 0) else a / b


def _pct(a, b):
    value = _div(a, b)
    return None if value is None else value * 100


HAND = {
    "aov": lambda f: _div(f["gmv"], f["orders"]),
    "deletion_rate": lambda f: _pct(f["fans_deleted"], f["fans_added"]),
    "interaction_rate": lambda f: _pct(f["interactions"], f["fans_total"]),
    "pass_through_rate": lambda f: _pct(f["fans_added"], f["leads"]),
    "service_success_rate": lambda f: _pct(f["connections"], f["fans_added"]),
    "monetization_rate": lambda f: _pct(f["paying_customers"], f["connections"]),
    "referral_rate": lambda f: _pct(f["referrals"], f["paying_customers"]),
    "conversion_rate": lambda f: _pct(f["paying_customers"], f["fans_added"]),
    "order_conversion": lambda f: _pct(f["orders"], f["fans_added"]),
    "retention_rate": lambda f: _pct(f["retained_customers"], f["new_customers"]),
    "repurchase_rate": lambda f: _pct(f["repeat_customers"], f["paying_customers"]),
    "roi": lambda f: _pct(f["gmv"] - f["cost"], f["cost"]),
    "roi_long": lambda f: _pct(f["cohort_gmv"] - f["cost"], f["cost"]),
    "cac": lambda f: _div(f["cost"], f["new_customers"]),
    "ltv": lambda f: _div(f["cohort_gmv"], f["new_customers"]),
    "ltv_cac": lambda f: _div(_div(f["cohort_gmv"], f["new_customers"]), _div(f["cost"], f["new_customers"])),
    "reach_rate": lambda f: _pct(f["connections"], f["fans_total"]),
    "scenario_conversion": lambda f: _pct(f["paying_customers"], f["connections"]),
    "private_performance": lambda f: (
        None
        if None
        in (
            _div(f["connections"], f["fans_total"]),
            _div(f["paying_customers"], f["connections"]),
            _div(f["gmv"], f["orders"]),
        )
        else f["fans_total"]
        * _div(f["connections"], f["fans_total"])
        * _div(f["paying_customers"], f["connections"])
        * _div(f["gmv"], f["orders"])
    ),
    "per_capita_output": lambda f: _div(f["gmv"], f["headcount"]),
    "projects_per_head": lambda f: _div(f["campaigns"], f["headcount"]),
    "task_execution_rate": lambda f: _pct(f["tasks_done"], f["tasks_assigned"]),
    "report_timeliness": lambda f: _pct(f["reports_on_time"], f["reports_due"]),
    "data_completeness": lambda f: _pct(f["customers_tagged"], f["customers_total"]),
    "tool_adoption": lambda f: _pct(f["active_members"], f["headcount"]),
    "on_time_delivery": lambda f: _pct(f["assets_on_time"], f["assets_produced"]),
    "clicks_per_asset": lambda f: _div(f["asset_clicks"], f["assets_produced"]),
    "reads_per_piece": lambda f: _div(f["reads"], f["content_published"]),
}


def test_every_derived_metric_has_a_hand_formula_here():
    assert {code for code, metric in BUILT_IN.items() if metric.is_derived} == set(HAND)


def _close(a, b):
    if a is None or b is None:
        return a is b
    return abs(a - b) <= Decimal("1e-9") * max(1, abs(b))


@PROPERTY
@given(history=histories(), who=st.sampled_from([None, "rep@alpha.test"]))
def test_derived_metrics_equal_their_formulas_over_raw_events(brand, history, who):
    events, _cuts, _order = history
    with transaction.atomic():
        assert events_ingest(items=events).created == len(events)
        if who is None:
            scope = Scope.brand()
            headcount = User.objects.filter(is_active=True).count()
            campaigns = 1  # c1 overlaps November
        else:
            scope = Scope.member(User.objects.get(email=who).pk)
            headcount, campaigns = 1, 0
        facts = _facts(events, NOVEMBER, who or None)
        facts["headcount"], facts["campaigns"] = Decimal(headcount), Decimal(campaigns)
        engine = metric_values(list(BUILT_IN), scope, NOVEMBER)
        for code, value in facts.items():
            assert _close(engine[code], value), (code, engine[code], value)
        for code, hand in HAND.items():
            assert _close(engine[code], hand(facts)), (code, engine[code], hand(facts))
        transaction.set_rollback(True)
