"""A rep appeals a confirmed violation from their phone; the manager who confirmed it cannot
decide the appeal, the admin does, and the rep reads the outcome in the history."""

import re

import pytest

from tests.e2e.conftest import demo_login, new_context, shoot

# Every browser test shares one running product, so they all run on one pytest-xdist worker.
pytestmark = pytest.mark.xdist_group("browser")


def test_a_rep_appeals_on_the_phone_and_another_manager_decides(browser, page, product):
    phone_context = new_context(browser, viewport={"width": 390, "height": 844}, is_mobile=True)
    phone = phone_context.new_page()
    try:
        demo_login(phone, product, "rep01@demo.siyu.example", lands_on="/home/rep/")
        phone.goto(product["demo"] + "/compliance/?status=confirmed")
        phone.locator("table a[href^='/compliance/violations/']").first.click()
        phone.wait_for_url(re.compile(r"/compliance/violations/\d+/$"))
        violation_url = phone.url
        phone.fill("textarea[name=reason]", "客户是老朋友，这句是玩笑，已当面说明")
        phone.click("button:has-text('提交申诉')")
        phone.wait_for_selector("text=申诉已提交")
        assert "申诉中" in phone.inner_text("main") and "提交申诉" not in phone.inner_text("main")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        shoot(phone, "appeal-rep-phone")
    finally:
        phone_context.close()

    demo_login(page, product, "admin@demo.siyu.example", lands_on="/home/admin/")
    page.goto(violation_url)
    assert "处理申诉" in page.inner_text("main")
    page.check("input[value=appeal_reject]")
    page.fill("textarea[name=note]", "聊天记录里是在拉私单，维持")
    page.click("button:has-text('提交')")
    page.goto(violation_url)
    history = page.inner_text(".history")
    assert "导购申诉" in history and "申诉不成立，维持违规" in history
    assert "已确认" in page.inner_text("main")
    shoot(page, "appeal-decided")
