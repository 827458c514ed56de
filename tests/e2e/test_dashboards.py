"""The KPI dashboards in a real browser, on the seeded demo brand: the charts draw, the figures
carry targets and tiers, and a manager can drill from a region down to a customer.
Screenshots land in test-artifacts/ for a person to look at."""

import re

import pytest

from tests.e2e.conftest import demo_login, shoot

# Every browser test shares one running product, so they all run on one pytest-xdist worker.
pytestmark = pytest.mark.xdist_group("browser")


def _charts_drawn(page) -> list[int]:
    """Series count of every ECharts instance on the page (an empty chart would be 0)."""
    page.wait_for_function("() => window.echarts && document.querySelectorAll('[data-chart] canvas').length > 0")
    return page.evaluate(
        "() => [...document.querySelectorAll('[data-chart]')]"
        ".map(el => (echarts.getInstanceByDom(el)?.getOption().series || []).length)"
    )


def test_ops_manager_dashboard_and_drill_down(page, product):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    demo_login(page, product, "ops@demo.siyu.example", lands_on="/home/ops/")
    main = page.inner_text("main")
    for label in ("客群资产数", "成交金额 GMV", "ROI（短期）", "ROI（长期", "留存率", "各渠道", "企业微信", "华东大区"):
        assert label in main, label
    assert re.search(r"目标 .*(未达成|达成|超额达成)", main)
    assert all(series > 0 for series in _charts_drawn(page)) and len(_charts_drawn(page)) == 2
    shoot(page, "ops-dashboard")

    page.click("text=华东大区")
    page.wait_for_url(re.compile(r"/kpis/teams/\d+/"))
    page.click("text=上海南京路店")
    assert "成员" in page.inner_text("main")
    page.locator(".kpi-table tbody a").first.click()
    page.wait_for_url(re.compile(r"/kpis/people/\d+/"))
    assert "记分卡" in page.inner_text("main") and "待跟进客户" in page.inner_text("main")
    shoot(page, "ops-drill-person")
    page.locator("a[href^='/kpis/customers/']").first.click()
    assert "行为轨迹" in page.inner_text("main")
    assert errors == []


def test_rep_dashboard_shows_own_tiers_scorecard_and_follow_ups(page, product):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    demo_login(page, product, "rep01@demo.siyu.example", lands_on="/home/rep/")
    main = page.inner_text("main")
    for label in ("客群资产数", "加粉数", "删粉率", "成交金额 GMV", "记分卡", "待跟进客户"):
        assert label in main, label
    assert page.locator(".kpi-card .tier-badge").count() >= 3
    assert _charts_drawn(page) == [2]
    axes = page.evaluate(
        "() => echarts.getInstanceByDom(document.querySelector('[data-chart]')).getOption().yAxis"
        ".map(axis => axis.minInterval)"
    )
    assert axes == [1, 1]  # money and counts step by whole units: no "¥1 ¥1 ¥0" labels
    today = page.evaluate(
        "() => echarts.getInstanceByDom(document.querySelector('[data-chart]')).getOption().series[0].markArea"
    )
    assert today and "进行中" in str(today)  # the month's chart includes today, drawn as unfinished
    shoot(page, "rep-dashboard")

    page.click(".period-kinds >> text=周")
    assert "周（" in page.inner_text(".period-label")
    assert page.goto(product["demo"] + "/kpis/campaigns/").status == 403
    assert errors == []
