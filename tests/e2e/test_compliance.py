"""A manager reviews violations in a real browser: the live count, the message in its
conversation with the hit marked, a decision with a note, and the rules' try-it box."""

import re

import pytest

from tests.e2e.conftest import demo_login, shoot

# Every browser test shares one running product, so they all run on one pytest-xdist worker.
pytestmark = pytest.mark.xdist_group("browser")


def test_ops_manager_reviews_a_violation_and_tries_a_rule(page, product):
    demo_login(page, product, "ops@demo.siyu.example", lands_on="/home/ops/")
    page.wait_for_selector(".count-badge span")  # the live count, loaded by htmx
    assert int(page.inner_text(".count-badge span")) > 0
    assert "待审核违规" in page.inner_text("main")

    page.click("text=合规")
    page.wait_for_url(re.compile(r"/compliance/$"))
    # An open one from the demo's conversations (the newest may be a lone message another browser
    # test just sent), so there is a conversation around it.
    page.locator("table a[href^='/compliance/violations/']").last.click()
    page.wait_for_url(re.compile(r"/compliance/violations/\d+/"))
    assert page.locator(".bubble.flagged mark").count() == 1 and page.locator(".bubble").count() >= 2
    shoot(page, "compliance-violation")

    page.check("input[value=confirm]")
    page.fill("textarea[name=note]", "已与导购沟通")
    page.click("button:has-text('提交')")
    assert "已记录你的审核" in page.inner_text("main")

    page.goto(product["demo"] + "/compliance/rules/")
    page.fill("textarea[name=text]", "亲，加我 V💗信，私下轉賬更便宜")
    page.click("button:has-text('检测')")
    page.wait_for_selector("#try-result li")
    assert "私单" in page.inner_text("#try-result")
    shoot(page, "compliance-rules-try")
