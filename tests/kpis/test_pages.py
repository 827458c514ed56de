"""KPI pages as people use them: role homes with figures, drill-down that stops at what one may
see, and the set-up pages (targets, metrics, settings, campaigns) refusing bad input."""

from datetime import date

import pytest

from apps.kpis.models import Campaign, CustomMetric, KpiSettings, StageWeight, Target
from apps.kpis.services.events import events_ingest
from apps.organisation.roles import Role
from apps.organisation.services import person_create, team_create
from tests.factories.events import event, local

OCTOBER = "?period=month&date=2026-10-01"


@pytest.fixture
def shop(alpha):
    """A region with two stores; the rep works in the east store, led by Lead; October orders."""
    with alpha:
        region = team_create(name="华东大区", kind="region")
        east = team_create(name="东方店", kind="store", parent=region)
        west = team_create(name="西湖店", kind="store", parent=region)
        lead = person_create(email="lead@alpha.test", full_name="店长老李", roles=[Role.SALES_REP], team=east)
        other = person_create(email="other@alpha.test", full_name="隔壁小王", roles=[Role.SALES_REP], team=west)
        from apps.accounts.models import User
        from apps.organisation.models import Membership

        Membership.objects.create(person=User.objects.get(pk=alpha.rep_id), team=east)
        east.leader = lead
        east.save()
        events_ingest(
            items=[
                event("order", at=local(6, month=10), member="rep@alpha.test", customer="rep-customer", amount="880"),
                event(
                    "order", at=local(7, month=10), member="other@alpha.test", customer="other-customer", amount="120"
                ),
                event(
                    "fan_added",
                    at=local(8, month=10),
                    member="lead@alpha.test",
                    customer="lead-customer",
                    channel="wecom",
                ),
            ]
        )
        from apps.kpis.models import Customer

        customers = dict(Customer.objects.values_list("ref", "pk"))
    return {
        "brand": alpha,
        "region": region,
        "east": east,
        "west": west,
        "lead": lead,
        "other": other,
        "customers": customers,
    }


@pytest.mark.parametrize(
    ("who", "path", "expected"),
    [
        ("admin", "/home/admin/", "成交金额 GMV"),
        ("ops", "/home/ops/", "各渠道"),
        ("rep", "/home/rep/", "待跟进客户"),
    ],
)
def test_role_homes_show_their_figures_for_the_chosen_period(shop, who, path, expected):
    page = shop["brand"].client(who).get(path + OCTOBER)
    assert page.status_code == 200
    text = page.content.decode()
    assert expected in text and "2026 年 10 月" in text
    if who == "rep":
        assert "¥880.00" in text and "¥120.00" not in text  # their own orders only


def test_every_role_home_renders(alpha):
    with alpha:
        people = {role: person_create(email=f"{role}@roles.test", full_name=role, roles=[role]) for role in Role.values}
    for role, person in people.items():
        home = {
            "brand_admin": "admin",
            "ops_manager": "ops",
            "activity_planner": "planner",
            "copywriter": "copywriter",
            "product_ops": "product",
            "designer": "designer",
            "sales_rep": "rep",
        }[role]
        response = alpha.client_for(person.pk).get(f"/home/{home}/")
        assert response.status_code == 200, role
        assert 'data-chart="chart-trend"' in response.content.decode(), role


def test_managers_drill_from_the_brand_to_the_customer(shop):
    admin = shop["brand"].client("admin")
    brand = admin.get("/kpis/" + OCTOBER).content.decode()
    assert f'href="/kpis/teams/{shop["region"].pk}/' in brand and "¥1,000.00" in brand
    region = admin.get(f"/kpis/teams/{shop['region'].pk}/" + OCTOBER).content.decode()
    assert "东方店" in region and "西湖店" in region
    store = admin.get(f"/kpis/teams/{shop['east'].pk}/" + OCTOBER).content.decode()
    assert f'href="/kpis/people/{shop["brand"].rep_id}/' in store and "隔壁小王" not in store
    person = admin.get(f"/kpis/people/{shop['brand'].rep_id}/" + OCTOBER).content.decode()
    assert f'href="/kpis/customers/{shop["customers"]["rep-customer"]}/' in person
    customer = admin.get(f"/kpis/customers/{shop['customers']['rep-customer']}/").content.decode()
    assert "rep-customer" in customer and "¥880.00" in customer  # money reads as money
    events = admin.get(f"/kpis/events/{OCTOBER}&member={shop['brand'].rep_id}").content.decode()
    assert "rep-customer" in events and "other-customer" not in events


def test_a_rep_sees_only_themselves_and_is_sent_there(shop):
    rep = shop["brand"].client("rep")
    assert rep.get("/kpis/").url.startswith(f"/kpis/people/{shop['brand'].rep_id}/")
    for path in (
        f"/kpis/people/{shop['other'].pk}/",
        f"/kpis/teams/{shop['east'].pk}/",
        f"/kpis/customers/{shop['customers']['other-customer']}/",
        f"/kpis/events/?member={shop['other'].pk}",
        "/kpis/people/999999/",
    ):
        assert rep.get(path).status_code == 404, path
    assert rep.get(f"/kpis/customers/{shop['customers']['rep-customer']}/").status_code == 200


def test_a_store_lead_drills_into_their_store_only(shop):
    lead = shop["brand"].client_for(shop["lead"].pk)
    assert lead.get("/kpis/").url.startswith(f"/kpis/teams/{shop['east'].pk}/")
    assert lead.get(f"/kpis/people/{shop['brand'].rep_id}/").status_code == 200
    assert lead.get(f"/kpis/teams/{shop['west'].pk}/").status_code == 404
    assert lead.get(f"/kpis/people/{shop['other'].pk}/").status_code == 404


def test_a_bad_period_is_explained_not_a_crash(shop):
    page = shop["brand"].client("admin").get("/kpis/?period=custom&start=2026-13-01&end=x", follow=True)
    assert page.status_code == 200 and "YYYY-MM-DD" in page.content.decode()


def test_targets_are_set_by_form_and_bad_input_is_a_form_error(shop):
    admin = shop["brand"].client("admin")
    ok = admin.post(
        "/kpis/targets/?period=month&date=2026-12-01",
        {
            "metric": "gmv",
            "person": shop["lead"].pk,
            "period_kind": "month",
            "period_start": "2026-12-09",
            "value": "20000",
        },
    )
    assert ok.status_code == 302
    both = admin.post(
        "/kpis/targets/",
        {
            "metric": "gmv",
            "person": shop["lead"].pk,
            "team": shop["east"].pk,
            "period_kind": "month",
            "period_start": "2026-12-01",
            "value": "1",
        },
    )
    assert "不能同时指定" in both.content.decode()
    negative = admin.post(
        "/kpis/targets/", {"metric": "gmv", "period_kind": "month", "period_start": "2026-12-01", "value": "-3"}
    )
    assert negative.status_code == 200 and "value" in negative.context["form"].errors
    with shop["brand"]:
        assert list(Target.objects.values_list("metric", "period_start", "value")) == [
            ("gmv", date(2026, 12, 1), 20000)
        ]
    assert shop["brand"].client("rep").get("/kpis/targets/").status_code == 403


def test_a_target_sheet_with_a_bad_row_saves_nothing_and_names_the_row(shop):
    from django.core.files.uploadedfile import SimpleUploadedFile

    sheet = (
        "metric,person,team,period,value,test_phase\n"
        "gmv,lead@alpha.test,,2026-12,15000,\n"
        "gmv,,东方店,2026-Q4,450000,\n"
        "gmv,nobody@alpha.test,,2026-12,1,\n"
        "orders,,,2026-13,5,\n"
    ).encode()
    admin = shop["brand"].client("admin")
    page = admin.post("/kpis/targets/import/", {"file": SimpleUploadedFile("t.csv", sheet)})
    text = page.content.decode()
    assert "第 4 行" in text and "nobody@alpha.test" in text and "第 5 行" in text
    with shop["brand"]:
        assert not Target.objects.exists()
    good = b"\n".join(sheet.splitlines()[:3])
    assert admin.post("/kpis/targets/import/", {"file": SimpleUploadedFile("t.csv", good)}).status_code == 302
    with shop["brand"]:
        assert Target.objects.count() == 2
        assert Target.objects.get(team=shop["east"]).period_kind == "quarter"


def test_custom_metrics_are_tried_and_checked_in_the_ui(shop):
    admin = shop["brand"].client("admin")
    tried = admin.get("/kpis/metrics/try/?formula=gmv+/+orders&period=month&date=2026-10-01").content.decode()
    assert "500" in tried  # (880 + 120) / 2
    assert "未知的指标代码" in admin.get("/kpis/metrics/try/?formula=gmv+/+planets").content.decode()
    bad = admin.post("/kpis/metrics/new/", {"code": "x", "name": "x", "formula": "gmv /", "unit": "ratio"})
    assert "写法有误" in bad.content.decode()
    clash = admin.post("/kpis/metrics/new/", {"code": "gmv", "name": "x", "formula": "orders", "unit": "ratio"})
    assert "内置指标" in clash.content.decode()
    assert (
        admin.post(
            "/kpis/metrics/new/", {"code": "gmv_per_order", "name": "单均", "formula": "gmv / orders", "unit": "money"}
        ).status_code
        == 302
    )
    board = admin.get("/kpis/?metrics=gmv_per_order&period=month&date=2026-10-01").content.decode()
    assert "单均" in board and "¥500.00" in board
    assert shop["brand"].client("rep").post("/kpis/metrics/new/", {}).status_code == 403
    with shop["brand"]:
        assert list(CustomMetric.objects.values_list("code", flat=True)) == ["gmv_per_order"]


def test_settings_refuse_crossed_thresholds_and_unknown_weights(shop):
    admin = shop["brand"].client("admin")
    crossed = admin.post(
        "/kpis/settings/",
        {
            "achieved_pct": "120",
            "exceeded_pct": "100",
            "stage": "growth",
            "score_cap_pct": "150",
            "future_tolerance_minutes": "5",
        },
    )
    assert "超额线必须高于达成线" in crossed.content.decode()
    assert (
        admin.post(
            "/kpis/settings/",
            {
                "achieved_pct": "90",
                "exceeded_pct": "110",
                "stage": "steady",
                "score_cap_pct": "150",
                "future_tolerance_minutes": "5",
            },
        ).status_code
        == 302
    )
    unknown = admin.post(
        "/kpis/settings/weights/",
        {"stage": "steady", "role": "sales_rep", "weights": "gmv 50\nhappiness 50"},
        follow=True,
    )
    assert "happiness" in unknown.content.decode()
    admin.post("/kpis/settings/weights/", {"stage": "steady", "role": "sales_rep", "weights": "gmv 70\norders 30"})
    with shop["brand"]:
        settings = KpiSettings.objects.get()
        assert (settings.achieved_pct, settings.exceeded_pct, settings.stage) == (90, 110, "steady")
        weights = dict(StageWeight.objects.filter(stage="steady", role="sales_rep").values_list("metric", "weight"))
        assert weights == {"gmv": 70, "orders": 30}


def test_campaigns_are_managed_and_keep_their_history(shop):
    planner = shop["brand"].client("admin")
    created = planner.post(
        "/kpis/campaigns/new/",
        {
            "code": "double12",
            "name": "双12",
            "channel": "mini_program",
            "starts_on": "2026-12-01",
            "ends_on": "2026-12-12",
            "budget": "1000",
            "target_gmv": "50000",
        },
    )
    assert created.status_code == 302
    backwards = planner.post(
        "/kpis/campaigns/new/",
        {
            "code": "oops",
            "name": "x",
            "channel": "wecom",
            "starts_on": "2026-12-10",
            "ends_on": "2026-12-01",
            "budget": "0",
        },
    )
    assert "结束日期" in backwards.content.decode()
    with shop["brand"]:
        campaign = Campaign.objects.get(code="double12")
        events_ingest(items=[event("order", at=local(20, month=11), campaign="double12", amount="10")])
    page = planner.get(f"/kpis/campaigns/{campaign.pk}/").content.decode()
    assert "L3" in page and "¥10.00" in page
    refused = planner.post(f"/kpis/campaigns/{campaign.pk}/delete/", follow=True)
    assert "不能删除" in refused.content.decode()
    with shop["brand"]:
        assert Campaign.objects.filter(code="double12").exists()


def test_follow_ups_due_leave_out_new_fans_and_recent_contacts(alpha):
    from datetime import datetime, time, timedelta

    from apps.common.periods import brand_today
    from tests.factories.events import SHANGHAI

    today = brand_today("Asia/Shanghai")

    def at(days_ago):
        return datetime.combine(today - timedelta(days=days_ago), time(0, 30), SHANGHAI)

    rep = "rep@alpha.test"
    with alpha:
        events_ingest(
            items=[
                event("fan_added", at=at(0), member=rep, customer="added-today"),
                event("fan_added", at=at(10), member=rep, customer="quiet-since-joining"),
                event("fan_added", at=at(20), member=rep, customer="contacted-lately"),
                event("follow_up", at=at(2), member=rep, customer="contacted-lately"),
                event("fan_added", at=at(30), member=rep, customer="contacted-long-ago"),
                event("follow_up", at=at(8), member=rep, customer="contacted-long-ago"),
            ]
        )
    home = alpha.client("rep").get("/home/rep/")
    due = [customer.ref for customer in home.context["home"].extra["follow_ups"]]
    assert due == ["quiet-since-joining", "contacted-long-ago"]  # the longest quiet first: 10 days, then 8
