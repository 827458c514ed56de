"""Leaderboards in a real browser on the demo brand: a rep's board moves without a reload when an
order is ingested (through the API and the worker), and the wall display at 1920×1080 reads
from across a room, rotates, and comes back by itself after a network blip."""

import json
import uuid
from datetime import datetime
from urllib.request import Request, urlopen
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.conftest import SCREENSHOTS, demo_login, new_context, shoot

# Every browser test shares one running product, so they all run on one pytest-xdist worker.
pytestmark = pytest.mark.xdist_group("browser")


def _post_order(product, rep_email: str, amount: str) -> None:
    event = {
        "external_id": f"e2e-{uuid.uuid4().hex}",
        "kind": "order",
        "occurred_at": datetime.now(ZoneInfo("Asia/Shanghai")).isoformat(),
        "member": rep_email,
        "amount": amount,
    }
    request = Request(  # Python does not resolve *.localhost as browsers do: the brand goes in the Host header
        f"http://127.0.0.1:{product['port']}/api/v1/events/",
        data=json.dumps({"events": [event]}).encode(),
        headers={
            "Host": f"demo.localhost:{product['port']}",
            "Content-Type": "application/json",
            "Authorization": f"Api-Key {product['api_key']}",
        },
        method="POST",
    )
    with urlopen(request, timeout=10) as response:  # noqa: S310 (a fixed http URL)
        assert json.load(response)["created"] == 1


def test_a_reps_board_moves_live_when_an_order_comes_in(page, product):
    rep = "rep07@demo.siyu.example"
    demo_login(page, product, rep, lands_on="/home/rep/")
    page.goto(product["demo"] + "/leaderboards/?metric=gmv&period=day")
    page.wait_for_selector("#board .mine")
    page.evaluate("() => { window.notReloaded = true; }")
    _post_order(product, rep, "88888.00")
    # The worker moves the sorted set, the page's next poll swaps the board in and marks the move.
    page.wait_for_function(
        "() => document.querySelector('#board tr.me td.rank')?.innerText.trim().startsWith('1')", timeout=15_000
    )
    assert page.evaluate("() => window.notReloaded") is True
    page.wait_for_selector("#board tr.me .move")  # marked: ▲n, or 新 for a newcomer
    assert "你是第一名" in page.inner_text("#board .mine")
    shoot(page, "leaderboard-rep-live")


def test_the_wall_display_is_large_rotates_and_survives_a_network_blip(browser, product):
    context = new_context(browser, viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    try:
        demo_login(page, product, "ops@demo.siyu.example", lands_on="/home/ops/")
        page.goto(product["demo"] + "/leaderboards/tv/")
        page.wait_for_selector(".tv-rows li")
        first_title = page.inner_text(".tv-head h1")
        assert first_title == "本周门店加粉 PK" or first_title.endswith("月销冠争霸赛")  # the demo's running ones
        row_px = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.tv-rows li')).fontSize)")
        title_px = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.tv-head h1')).fontSize)")
        assert row_px >= 40 and title_px >= 60  # readable from across a room at 1080p
        assert page.evaluate("() => document.documentElement.scrollHeight <= window.innerHeight + 1")  # no scrolling
        page.wait_for_timeout(500)
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "leaderboard-tv-1920x1080.png"))  # the viewport: what the TV shows

        # The network drops: a banner says so, polling goes on; it comes back by itself.
        page.route("**/leaderboards/**", lambda route: route.abort())
        page.wait_for_selector(".tv-offline:not([hidden])", timeout=5_000)
        page.unroute("**/leaderboards/**")
        page.wait_for_selector(".tv-offline[hidden]", state="attached", timeout=5_000)
        assert page.locator(".tv-rows li").count() > 0

        # The next slide comes after the rotation interval (TV_ROTATE_SECONDS, 4 s here), without a reload.
        page.wait_for_function(
            "title => document.querySelector('.tv-head h1')?.innerText !== title", arg=first_title, timeout=15_000
        )
    finally:
        context.close()


def test_a_form_that_comes_back_with_errors_says_so_at_the_top_and_focuses_the_field(page, product):
    from datetime import timedelta

    demo_login(page, product, "admin@demo.siyu.example", lands_on="/home/admin/")
    page.goto(product["demo"] + "/leaderboards/competitions/new/")
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    page.fill("input[name=name]", "补录的周赛")
    page.fill("input[name=starts_on]", (today - timedelta(days=1)).isoformat())
    page.fill("input[name=ends_on]", (today + timedelta(days=5)).isoformat())
    page.click("form button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert "开始日期早于今天" in page.inner_text(".error-summary")
    top = page.evaluate("() => document.querySelector('.error-summary').getBoundingClientRect().top")
    assert 0 <= top < page.viewport_size["height"]  # in view, not at the bottom of a long form
    assert page.evaluate("() => document.activeElement.name") == "reason"
    shoot(page, "form-error-summary")
