"""The KPI API as an integration and as people use it: batches, figures, targets, formulas."""

import json
from datetime import date

import pytest

from apps.accounts.models import User
from apps.kpis.models import Campaign, Event, Target
from apps.kpis.services.events import events_ingest
from apps.kpis.services.targets import target_set
from apps.organisation.roles import Role
from apps.organisation.services import api_key_create, person_create
from tests.conftest import PASSWORD
from tests.factories.events import event, local


def _api(brand, *roles):
    with brand:
        _key, secret = api_key_create(name="集成", roles=list(roles), created_by=None)
    return brand.client(HTTP_AUTHORIZATION=f"Api-Key {secret}")


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_an_integration_posts_a_batch_and_a_replay_is_harmless(alpha):
    api = _api(alpha, Role.PRODUCT_OPS)
    batch = {
        "events": [
            event("order", member="rep@alpha.test", customer="c1", amount="88.80"),
            event("order", amount="oops"),
            event("fan_added", member="rep@alpha.test"),
        ]
    }
    first = _post(api, "/api/v1/events/", batch)
    assert first.status_code == 200, first.content
    body = first.json()
    assert (body["created"], body["duplicates"], body["errors"]) == (2, 0, 1)
    assert body["results"][1]["status"] == "error" and "amount" in body["results"][1]["errors"]
    again = _post(api, "/api/v1/events/", batch["events"])  # a bare array works too
    assert (again.json()["created"], again.json()["duplicates"]) == (0, 2)
    with alpha:
        assert Event.objects.count() == 2


def test_batches_over_1000_or_not_a_list_are_refused_whole(alpha):
    api = _api(alpha, Role.BRAND_ADMIN)
    too_many = _post(api, "/api/v1/events/", {"events": [event() for _ in range(1001)]})
    assert too_many.status_code == 400 and "1000" in too_many.json()["events"][0]
    assert _post(api, "/api/v1/events/", {"events": "nope"}).status_code == 400
    with alpha:
        assert not Event.objects.exists()


def test_only_roles_that_ingest_may_post_events(alpha, beta):
    assert _post(_api(alpha, Role.SALES_REP), "/api/v1/events/", [event()]).status_code == 403
    assert _post(alpha.client("rep"), "/api/v1/events/", [event()]).status_code == 403
    assert _post(alpha.client(), "/api/v1/events/", [event()]).status_code == 401
    # alpha's key means nothing on beta's site
    with alpha:
        _key, secret = api_key_create(name="k", roles=[Role.BRAND_ADMIN], created_by=None)
    assert _post(beta.client(HTTP_AUTHORIZATION=f"Api-Key {secret}"), "/api/v1/events/", [event()]).status_code == 401


@pytest.fixture
def november(alpha):
    """Orders for the rep and the admin in a past month (October 2026), and a rep target."""
    with alpha:
        events_ingest(
            items=[
                event("order", at=local(6, month=10), member="rep@alpha.test", customer="a", amount="600"),
                event("order", at=local(7, month=10), member="rep@alpha.test", customer="a", amount="600"),
                event("order", at=local(8, month=10), member="admin@alpha.test", customer="b", amount="100"),
            ]
        )
        target_set(
            metric="gmv",
            period_kind="month",
            period_start=date(2026, 10, 1),
            value=1000,
            person=User.objects.get(pk=alpha.rep_id),
        )
    return alpha


def test_figures_come_with_target_achievement_and_tier(november):
    response = november.client("admin").get(
        f"/api/v1/kpis/?metrics=gmv,orders,aov,repurchase_rate&period=month&date=2026-10-15&member={november.rep_id}"
    )
    assert response.status_code == 200, response.content
    figures = {f["metric"]: f for f in response.json()["figures"]}
    assert figures["gmv"] == {
        "metric": "gmv",
        "actual": "1200",
        "target": "1000",
        "achievement_pct": "120",
        "tier": "exceeded",
        "test_phase": False,
        "pace_target": None,
        "target_source": "own",
    }
    assert figures["aov"]["actual"] == "600" and figures["repurchase_rate"]["actual"] == "100"


def test_a_rep_sees_their_own_figures_and_nobody_elses(november):
    rep = november.client("rep")
    own = rep.get("/api/v1/kpis/?metrics=gmv&period=month&date=2026-10-01").json()
    assert own["scope"]["subject"] == "person" and own["figures"][0]["actual"] == "1200"
    assert rep.get(f"/api/v1/kpis/?metrics=gmv&member={november.admin_id}").status_code == 404
    customers = rep.get("/api/v1/customers/").json()["results"]
    assert [c["ref"] for c in customers] == ["a"]


def test_figures_break_down_by_day(november):
    rows = (
        november.client("admin")
        .get("/api/v1/kpis/?metrics=gmv&period=week&date=2026-10-07&group_by=day")
        .json()["rows"]
    )
    assert [(r["key"], r["values"]["gmv"]) for r in rows][:4] == [
        ("2026-10-05", "0"),
        ("2026-10-06", "600"),
        ("2026-10-07", "600"),
        ("2026-10-08", "100"),
    ]


def test_bad_figure_requests_get_field_messages(alpha):
    admin = alpha.client("admin")
    assert "metrics" in admin.get("/api/v1/kpis/?metrics=nope").json()
    assert "period" in admin.get("/api/v1/kpis/?metrics=gmv&period=custom&start=2026-02-01&end=2026-01-01").json()
    assert "group_by" in admin.get("/api/v1/kpis/?metrics=gmv&group_by=planet").json()
    assert "channel" in admin.get("/api/v1/kpis/?metrics=gmv&channel=tiktok").json()


def test_a_team_lead_sees_their_store_but_not_others(alpha):
    from apps.organisation.services import team_create

    with alpha:
        store = team_create(name="南京路店", kind="store")
        other = team_create(name="西湖店", kind="store")
        lead = person_create(
            email="lead@alpha.test", full_name="店长", roles=[Role.SALES_REP], password=PASSWORD, team=store
        )
        store.leader = lead
        store.save()
    client = alpha.client_for(lead.pk)
    assert client.get(f"/api/v1/kpis/?metrics=gmv&team={store.pk}").status_code == 200
    assert client.get(f"/api/v1/kpis/?metrics=gmv&team={other.pk}").status_code == 404


def test_targets_replace_the_same_slot_and_bulk_is_all_or_nothing(alpha):
    api = _api(alpha, Role.OPS_MANAGER)
    body = {
        "metric": "gmv",
        "person": alpha.rep_id,
        "period_kind": "month",
        "period_start": "2026-11-17",
        "value": "5000",
    }
    assert _post(api, "/api/v1/targets/", body).status_code == 201
    replaced = _post(api, "/api/v1/targets/", dict(body, value="6000"))
    assert replaced.json()["value"] == "6000.00" and replaced.json()["period_start"] == "2026-11-01"
    bulk = _post(
        api,
        "/api/v1/targets/bulk/",
        [
            {"metric": "orders", "team": None, "period_kind": "quarter", "period_start": "2026-10-01", "value": "10"},
            {"metric": "no_such_metric", "period_kind": "month", "period_start": "2026-11-01", "value": "1"},
        ],
    )
    assert bulk.status_code == 400 and "metric" in bulk.json()["1"]  # errors by item index
    assert _post(api, "/api/v1/targets/", dict(body, team=1)).status_code == 400  # person and team
    with alpha:
        assert list(Target.objects.values_list("metric", "value")) == [("gmv", 6000)]
    assert _post(_api(alpha, Role.SALES_REP), "/api/v1/targets/", body).status_code == 403


def test_custom_metrics_are_checked_before_they_are_saved(alpha):
    api = _api(alpha, Role.BRAND_ADMIN)
    ok = _post(
        api,
        "/api/v1/custom-metrics/",
        {"code": "gmv_per_fan", "name": "每粉成交", "formula": "gmv / fans_added", "unit": "money"},
    )
    assert ok.status_code == 201, ok.content
    for formula, fragment in [
        ("gmv / ", "写法"),
        ("__import__('os')", "只能包含"),
        ("gmv / galaxy", "galaxy"),
        ("gmv_per_fan * 2", "自身"),
    ]:
        bad = _post(
            api,
            "/api/v1/custom-metrics/",
            {
                "code": "gmv_per_fan2" if "自身" not in fragment else "loop",
                "name": "x",
                "formula": formula.replace("gmv_per_fan", "loop"),
            },
        )
        assert bad.status_code == 400 and fragment in bad.json()["formula"][0], (formula, bad.content)
    figures = alpha.client("admin").get("/api/v1/kpis/?metrics=gmv_per_fan").json()["figures"]
    assert figures[0]["actual"] is None  # no fans yet: division by zero is "no value", not an error


def test_campaign_codes_are_unique_and_dates_ordered(alpha):
    api = _api(alpha, Role.ACTIVITY_PLANNER)
    body = {
        "code": "618",
        "name": "618 大促",
        "channel": "mini_program",
        "starts_on": "2026-06-01",
        "ends_on": "2026-06-18",
        "budget": "20000",
    }
    assert _post(api, "/api/v1/campaigns/", body).status_code == 201
    assert "code" in _post(api, "/api/v1/campaigns/", body).json()
    assert "ends_on" in _post(api, "/api/v1/campaigns/", dict(body, code="x", ends_on="2026-05-01")).json()
    with alpha:
        assert Campaign.objects.count() == 1
