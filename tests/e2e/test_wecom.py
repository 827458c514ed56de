"""A brand admin connects WeCom in a real browser (the demo's simulated corp), watches the sync's
progress, makes a channel code, and a customer scanning it (pushed by the simulator as WeCom
pushes, encrypted, over HTTP) moves the code's row, the campaign's row and the rep's board."""

import json
import re
import time
import urllib.request

import pytest

from tests.e2e.conftest import demo_login, new_context, shoot

pytestmark = pytest.mark.xdist_group("browser")


def _card_value(page, header: str) -> int:
    card = page.locator("article.kpi-card", has=page.locator(f"header:text-is('{header}')")).first
    return int(re.sub(r"[^0-9]", "", card.locator(".kpi-value").inner_text()) or 0)


def _campaign_adds(page, product, campaign_id: str) -> int:
    """The campaign's users (adds) in its L3 row: GMV = users × conversion × AOV."""
    page.goto(product["demo"] + f"/kpis/campaigns/{campaign_id}/")
    return int(re.sub(r"[^0-9]", "", page.locator(".l3 span").first.locator("strong").inner_text()) or 0)


def _scan(product, state: str) -> dict:
    request = urllib.request.Request(  # noqa: S310 (the local simulator)
        product["wecom"] + "/_control/customer_adds",
        data=json.dumps({"state": state, "name": "浏览器里的客户"}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 (the local simulator)
        return json.loads(answer.read())


def test_connect_sync_make_a_code_and_a_scan_moves_the_figures(page, product):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: dialog.accept())
    corp = json.loads(product["corp_file"].read_text())
    demo_login(page, product, "admin@demo.siyu.example", lands_on="/home/admin/")

    # The demo comes connected to its simulator: the page says so. Disconnect, then connect again.
    page.goto(product["demo"] + "/settings/wecom/")
    assert "模拟器" in page.inner_text("main")
    page.click("button:has-text('断开连接')")
    page.wait_for_selector("text=已断开")
    page.fill("input[name=corp_id]", corp["corp_id"])
    page.fill("input[name=agent_id]", corp["agent_id"])
    page.fill("input[name=app_secret]", corp["app_secret"])
    page.fill("input[name=contact_secret]", corp["contact_secret"])
    page.fill("input[name=callback_token]", corp["token"])
    page.fill("input[name=callback_aes_key]", corp["aes_key"])
    page.click("button[value=connect]")
    page.wait_for_selector("text=已连接企业微信，首次同步已开始")
    assert corp["app_secret"] not in page.content() and f"…{corp['app_secret'][-4:]}" in page.content()
    page.wait_for_selector("#sync-run progress")
    shoot(page, "wecom-sync-running")
    page.wait_for_selector("#sync-run .sync-status:text-is('已完成')", timeout=60_000)  # polled by htmx
    assert "已有（未重复计）" in page.inner_text("#sync-run")  # the demo's customers, not counted twice
    shoot(page, "wecom-sync-done")

    # A channel code for a campaign, received by one rep.
    page.goto(product["demo"] + "/wecom/codes/new/")
    page.fill("input[name=name]", "浏览器测试活码")
    campaign_id = page.locator("select[name=campaign] option").nth(1).get_attribute("value")
    page.select_option("select[name=campaign]", value=campaign_id)
    rep = page.locator("select[name=people] option").first
    rep_name, rep_id = rep.inner_text(), rep.get_attribute("value")
    page.select_option("select[name=people]", value=[rep_id])
    page.fill("input[name=cost]", "100")
    page.click("form button[type=submit]")
    page.wait_for_selector("text=渠道活码「浏览器测试活码」已创建")
    row = page.locator("#code-table tr", has=page.locator("strong:text-is('浏览器测试活码')"))
    state = row.get_attribute("data-code")
    assert row.locator(".adds").inner_text() == "0"
    shoot(page, "wecom-codes")

    campaign_before = _campaign_adds(page, product, campaign_id)
    page.goto(product["demo"] + f"/kpis/people/{rep_id}/?period=day")
    board_before = _card_value(page, "加粉数")

    # A customer scans it: WeCom's callback, encrypted, over HTTP to the brand's callback URL.
    started = time.monotonic()
    pushed = _scan(product, state)
    assert (pushed["status"], pushed["answer"]) == (200, "success")
    deadline = started + 10
    while True:
        page.goto(product["demo"] + "/wecom/codes/")
        row = page.locator("#code-table tr", has=page.locator("strong:text-is('浏览器测试活码')"))
        if row.locator(".adds").inner_text() == "1" or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert row.locator(".adds").inner_text() == "1"
    assert time.monotonic() - started < 5  # callback → figures, through the worker, with page loads
    shoot(page, "wecom-code-moved")
    assert _campaign_adds(page, product, campaign_id) == campaign_before + 1
    page.goto(product["demo"] + f"/kpis/people/{rep_id}/?period=day")
    assert _card_value(page, "加粉数") == board_before + 1
    assert rep_name in page.inner_text("main")
    assert errors == []


def test_the_codes_page_reads_on_a_phone(browser, product):
    context = new_context(browser, viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        demo_login(page, product, "planner@demo.siyu.example", lands_on="/home/planner/")
        page.goto(product["demo"] + "/wecom/codes/")
        assert "渠道活码" in page.inner_text("main")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 400, width  # the table scrolls inside its box, the page does not
        shoot(page, "wecom-codes-phone")
    finally:
        context.close()
