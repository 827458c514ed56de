"""An insult a rep writes reaches their store lead as a WeCom text card (the worker scans it and
sends it to the simulator's message/send over HTTP); the lead taps the card on their phone inside
WeCom and lands on the violation's review page signed in; the brand admin sees the message sent."""

import json
import re
import time
import urllib.request

import pytest

from tests.e2e.conftest import demo_login, new_context, shoot
from tests.e2e.test_wecom_sign_in import IN_WECOM

pytestmark = pytest.mark.xdist_group("browser")


def _post_messages(product, items: list[dict]) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{product['port']}/api/v1/messages/",
        data=json.dumps({"messages": items}).encode(),
        headers={
            "Host": f"demo.localhost:{product['port']}",  # the brand's host, which urllib does not resolve
            "Content-Type": "application/json",
            "Authorization": f"Api-Key {product['api_key']}",
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 (the local product)
        return json.loads(answer.read())


def _cards(product) -> list[dict]:
    with urllib.request.urlopen(product["wecom"] + "/_control/messages", timeout=5) as answer:  # noqa: S310
        return [m for m in json.loads(answer.read())["sent"] if m["msgtype"] == "textcard"]


def test_an_insult_reaches_the_store_lead_who_opens_it_on_their_phone(browser, page, product):
    stamp = int(time.time())
    items = [
        {
            "message_id": f"e2e-insult-{stamp}-{n}",
            "conversation_id": f"e2e-{n}",
            "rep": f"rep0{n}@demo.siyu.example",
            "customer": "wm-e2e-customer",
            "direction": "rep_to_customer",
            "sent_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
            "text": "你给我滚，别再烦我",
        }
        for n in range(1, 6)
    ]
    answer = _post_messages(product, items)
    assert [item["status"] for item in answer["results"]] == ["created"] * 5, answer
    deadline = time.monotonic() + 30
    while not (cards := [c for c in _cards(product) if "/compliance/violations/" in c["content"]["url"]]):
        assert time.monotonic() < deadline, "no alert reached the simulator"
        time.sleep(0.5)
    card = cards[0]
    assert card["content"]["btntxt"] == "去审核" and "命中：滚" in card["content"]["description"]

    lead = card["touser"][0]
    context = new_context(
        browser, locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, user_agent=IN_WECOM
    )
    phone = context.new_page()
    try:
        phone.goto(card["content"]["url"])  # tapped inside WeCom: OAuth, then the review page
        phone.wait_for_url(re.compile(re.escape(product["wecom"]) + r"/connect/oauth2/authorize\?"))
        phone.click(f"button[value='{lead}']")
        phone.wait_for_url(re.compile(r"/compliance/violations/\d+/$"))
        assert "滚" in phone.inner_text("main")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        shoot(phone, "wecom-alert-review-phone")
    finally:
        context.close()

    demo_login(page, product, "admin@demo.siyu.example", lands_on="/home/admin/")
    # Every alert the simulator received is a delivery row marked sent (alerts for the other
    # messages may still be arriving: read both until they agree).
    deadline = time.monotonic() + 30
    while True:
        page.goto(product["demo"] + "/settings/wecom/messages/")
        rows = page.locator("table tbody tr", has=page.locator("td:text-is('违规提醒')"))
        sent = [c for c in _cards(product) if "/compliance/violations/" in c["content"]["url"]]
        states = [rows.nth(i).inner_text() for i in range(rows.count())]
        if (len(states) == len(sent) and all("已发送" in state for state in states)) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert len(states) == len(sent) and all("已发送" in state for state in states), (states, len(sent))
    assert len({c["content"]["url"] for c in sent}) == len(sent)  # one alert per message, none twice
    shoot(page, "wecom-messages")
