"""Events in: per-item answers, replays that store nothing, customers built from events."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from apps.kpis.models import Campaign, Customer, DailyRollup, Event
from apps.kpis.services.events import events_ingest
from tests.factories.events import event, local


@pytest.fixture
def brand(alpha):
    with alpha:
        Campaign.objects.create(
            code="double11",
            name="双11",
            channel="mini_program",
            starts_on=date(2026, 11, 1),
            ends_on=date(2026, 11, 11),
        )
        yield alpha


def _rollup_sum(column):
    return sum(getattr(r, column) for r in DailyRollup.objects.all())


def test_a_batch_is_stored_and_replaying_it_stores_nothing(brand):
    batch = [
        event("fan_added", member="rep@alpha.test", customer="c1", channel="wecom"),
        event("order", member="rep@alpha.test", customer="c1", quantity=3, amount="299.50"),
        event("order", member="rep@alpha.test", customer="c1", amount="100", campaign="double11"),
    ]
    first = events_ingest(items=batch)
    assert [item.status for item in first.items] == ["created"] * 3
    again = events_ingest(items=batch)
    assert [item.status for item in again.items] == ["duplicate"] * 3
    assert Event.objects.count() == 3
    assert _rollup_sum("orders") == 2 and _rollup_sum("gmv") == Decimal("399.50") and _rollup_sum("items") == 4
    assert _rollup_sum("fans_added") == 1


def test_bad_items_are_reported_by_field_and_the_good_ones_stored(brand):
    batch = [
        event("order", amount="12.00"),
        {"external_id": "x-1", "kind": "teleport", "occurred_at": "yesterday"},
        event("order", amount="-5"),
        event("order", member="nobody@alpha.test"),
        event("order", campaign="no-such-campaign"),
        "not an object",
        event("fan_added", channel="tiktok"),
    ]
    result = events_ingest(items=batch)
    statuses = [item.status for item in result.items]
    assert statuses == ["created", "error", "error", "error", "error", "error", "error"]
    assert set(result.items[1].errors) == {"kind", "occurred_at"}
    assert "amount" in result.items[2].errors
    assert "member" in result.items[3].errors and "nobody@alpha.test" in result.items[3].errors["member"][0]
    assert "campaign" in result.items[4].errors
    assert "non_field_errors" in result.items[5].errors
    assert "channel" in result.items[6].errors
    assert Event.objects.count() == 1 and _rollup_sum("gmv") == Decimal("12.00")


def test_the_same_external_id_twice_in_one_batch_is_stored_once(brand):
    one = event("order", amount="10")
    result = events_ingest(items=[one, dict(one, amount="99")])
    assert [item.status for item in result.items] == ["created", "duplicate"]
    assert _rollup_sum("gmv") == Decimal("10")


def test_far_future_and_ancient_events_are_refused(brand):
    result = events_ingest(
        items=[
            event(at=datetime(2099, 1, 1, tzinfo=ZoneInfo("UTC"))),
            event(at=datetime(1999, 1, 1, tzinfo=ZoneInfo("UTC"))),
        ]
    )
    assert all("occurred_at" in item.errors for item in result.items)


def test_an_event_later_than_now_beyond_the_tolerance_is_refused_with_the_reason(brand):
    from datetime import timedelta

    from django.utils import timezone

    from apps.kpis.models import KpiSettings

    now = timezone.now()
    result = events_ingest(
        items=[
            event(at=now + timedelta(minutes=3)),  # a clock a little ahead: within 5 minutes
            event(at=now + timedelta(hours=12)),  # 21:42 typed into a file imported at 09:14
        ]
    )
    assert [item.status for item in result.items] == ["created", "error"]
    assert "晚于现在超过 5 分钟" in result.items[1].errors["occurred_at"][0]
    assert Event.objects.count() == 1
    KpiSettings.objects.update(future_tolerance_minutes=0)
    late = events_ingest(items=[event(at=now + timedelta(minutes=3))])
    assert late.items[0].status == "error" and "超过 0 分钟" in late.items[0].errors["occurred_at"][0]


def test_the_tolerance_is_a_kpi_setting_with_bounds(brand):
    admin = brand.client("admin")
    form = {"achieved_pct": "100", "exceeded_pct": "120", "stage": "growth", "score_cap_pct": "150"}
    refused = admin.post("/kpis/settings/", {**form, "future_tolerance_minutes": "99999"})
    assert refused.status_code == 200 and "1440" in refused.content.decode()
    assert admin.post("/kpis/settings/", {**form, "future_tolerance_minutes": "30"}).status_code == 302
    api = admin.get("/api/v1/kpi-settings/").json()
    assert api["future_tolerance_minutes"] == 30


def test_the_day_is_the_brands_local_day(brand):
    utc = ZoneInfo("UTC")
    events_ingest(
        items=[
            event(at=datetime(2026, 11, 10, 17, 30, tzinfo=utc)),  # 01:30 on the 11th in Shanghai
            {"external_id": "naive", "kind": "fan_added", "occurred_at": "2026-11-10T23:30:00"},  # brand-local
        ]
    )
    assert Event.objects.get(external_id="naive").day == date(2026, 11, 10)
    assert sorted(DailyRollup.objects.values_list("day", flat=True)) == [date(2026, 11, 10), date(2026, 11, 11)]


def test_members_are_found_by_employee_number_or_email(brand):
    from apps.accounts.models import User

    rep = User.objects.get(email="rep@alpha.test")
    rep.employee_no = "DG0007"
    rep.save()
    result = events_ingest(items=[event(member="DG0007"), event(member="REP@alpha.test")])
    assert [item.status for item in result.items] == ["created", "created"]
    assert set(Event.objects.values_list("member_id", flat=True)) == {rep.pk}


def test_customers_are_built_from_their_events(brand):
    from apps.accounts.models import User

    rep = User.objects.get(email="rep@alpha.test")
    events_ingest(
        items=[
            event("order", at=local(12), member="rep@alpha.test", customer="wx-1", amount="200", tags=["敏感肌"]),
            event(
                "fan_added", at=local(3), member="rep@alpha.test", customer="wx-1", campaign="double11", tags=["VIP"]
            ),
            event("order", at=local(20), member="admin@alpha.test", customer="wx-1", amount="50"),
        ]
    )
    customer = Customer.objects.get(ref="wx-1")
    assert customer.owner_id == rep.pk  # the member of the earliest event, whatever the arrival order
    assert customer.joined_on == date(2026, 11, 3)
    assert customer.channel == "mini_program"  # inherited from the campaign
    assert customer.orders_count == 2 and customer.gmv_total == Decimal("250")
    assert (customer.first_order_on, customer.last_order_on) == (date(2026, 11, 12), date(2026, 11, 20))
    assert customer.tags == ["VIP", "敏感肌"]
    assert customer.left_on is None

    events_ingest(items=[event("fan_deleted", at=local(22), member="rep@alpha.test", customer="wx-1")])
    customer.refresh_from_db()
    assert customer.left_on == date(2026, 11, 22)
    events_ingest(items=[event("fan_added", at=local(25), member="rep@alpha.test", customer="wx-1")])
    customer.refresh_from_db()
    assert customer.left_on is None  # added back


def test_a_tie_between_a_customers_first_events_goes_to_the_one_sent_first(brand):
    from apps.accounts.models import User
    from apps.kpis.services.rollups import rollups_rebuild

    at = local(5)
    batch = [  # the external ids sort the other way round
        dict(event("fan_added", at=at, member="admin@alpha.test", customer="wx-tie"), external_id="z-2"),
        dict(event("fan_added", at=at, member="rep@alpha.test", customer="wx-tie"), external_id="a-1"),
    ]
    events_ingest(items=batch)
    admin = User.objects.get(email="admin@alpha.test")
    assert Customer.objects.get(ref="wx-tie").owner_id == admin.pk

    rollups_rebuild(time_zone="Asia/Shanghai")  # rebuilt from the events, the same owner
    assert Customer.objects.get(ref="wx-tie").owner_id == admin.pk


def test_a_replayed_item_with_a_new_customer_leaves_no_stray_customer(brand):
    original = event("order", customer="c-a", amount="1")
    events_ingest(items=[original])
    events_ingest(items=[dict(original, customer="c-b")])  # same id, different customer: a replay
    assert list(Customer.objects.values_list("ref", flat=True)) == ["c-a"]
