"""A brand signs up, lands logged in, invites a rep and sees roles enforced — in a real browser."""

import re

import pytest

from tests.e2e.conftest import demo_login, shoot

# Every browser test shares one running product, so they all run on one pytest-xdist worker.
pytestmark = pytest.mark.xdist_group("browser")


def test_signup_lands_the_admin_logged_in_on_their_brand(page, product):
    page.goto(product["public"] + "/signup/")
    page.fill("#id_name", "小红花茶饮")
    page.fill("#id_slug", "www")
    page.fill("#id_admin_name", "王芳")
    page.fill("#id_admin_email", "wangfang@example.com")
    page.fill("#id_admin_password", "Xhh-sunrise-2026")
    page.click("button[type=submit]")
    assert "保留名称" in page.inner_text("main form")  # the reserved slug is refused, nothing is created
    shoot(page, "signup-error")

    page.fill("#id_slug", "xiaohonghua")
    page.fill("#id_admin_password", "Xhh-sunrise-2026")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"http://xiaohonghua\.localhost:\d+/home/admin/"))
    assert "王芳" in page.inner_text("header")
    shoot(page, "admin-home")

    page.click("text=人员")
    page.click("text=添加 / 邀请人员")
    page.fill("#id_full_name", "陈静")
    page.fill("#id_email", "chenjing@example.com")
    page.check("input[value=sales_rep]")
    page.click("button[type=submit]")
    assert "已邀请 陈静" in page.inner_text("main")
    shoot(page, "people-invited")


def test_demo_rep_sees_own_home_and_is_refused_admin_pages(page, product):
    demo_login(page, product, "rep01@demo.siyu.example", lands_on="/home/rep/")
    assert "导购 · 工作台" in page.inner_text("main")
    assert page.locator("a[href='/people/']").count() == 0
    shoot(page, "rep-home")

    response = page.goto(product["demo"] + "/people/")
    assert response.status == 403
    assert "没有权限" in page.inner_text("main")


def test_ops_manager_browses_the_demo_organisation_in_english(page, product):
    demo_login(page, product, "ops@demo.siyu.example", lands_on="/home/ops/")
    page.goto(product["demo"] + "/teams/")
    assert "华东大区" in page.inner_text("main") and "深圳万象城店" in page.inner_text("main")
    shoot(page, "teams")
    with page.expect_navigation():
        page.select_option(".lang-switch select", "en")
    assert "Active members" in page.inner_text("main")
    page.goto(product["demo"] + "/people/")
    assert "56 people" in page.inner_text("main")
    shoot(page, "people-en")

    # Remembered on the person: a new browser (no cookie) opens in English too, until switched back.
    other = page.context.browser.new_page()
    demo_login(other, product, "ops@demo.siyu.example", lands_on="/home/ops/")
    assert other.get_attribute("html", "lang") == "en"
    with other.expect_navigation():
        other.select_option(".lang-switch select", "zh-hans")
    other.close()
    page.context.clear_cookies()
    demo_login(page, product, "ops@demo.siyu.example", lands_on="/home/ops/")
    assert page.get_attribute("html", "lang") == "zh-hans"
