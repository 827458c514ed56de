"""A rep opens the demo brand inside the WeCom app on a phone (390×844): the login page goes to
WeCom's OAuth (the simulator's page stands in for the WeCom client knowing who holds the phone)
and they land on their home, signed in, without a password. Someone outside the corp is refused
with a clear page; on a desktop the login page offers WeCom's QR login."""

import json
import re

import pytest

from tests.e2e.conftest import new_context, shoot

pytestmark = pytest.mark.xdist_group("browser")

IN_WECOM = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 wxwork/4.1.20 MicroMessenger/7.0.1"
)


def _member(product, email: str) -> dict:
    corp = json.loads(product["corp_file"].read_text())
    return next(m for m in corp["members"] if m["email"] == email)


def test_a_rep_inside_wecom_on_a_phone_lands_on_their_home_signed_in(browser, product):
    rep = _member(product, "rep01@demo.siyu.example")
    context = new_context(
        browser, locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, user_agent=IN_WECOM
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(product["demo"] + "/")  # anonymous, inside WeCom: off to WeCom's OAuth
        page.wait_for_url(re.compile(re.escape(product["wecom"]) + r"/connect/oauth2/authorize\?"))
        shoot(page, "wecom-sign-in-phone-oauth")
        page.click(f"button[value='{rep['userid']}']")
        page.wait_for_url(re.compile(r"/home/rep/(\?.*)?$"))
        assert rep["name"] in page.inner_text("header")
        wide = page.evaluate(
            "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391)"
            ".slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, wide
        shoot(page, "wecom-sign-in-phone-home")

        context.clear_cookies()
        page.goto(product["demo"] + "/")
        page.click("button.other")  # a WeChat user outside the corp
        page.wait_for_selector("text=不是本品牌的成员")
        shoot(page, "wecom-sign-in-phone-refused")
        page.click("text=用邮箱和密码登录")
        page.wait_for_selector("input[name=password]")  # the form stays, inside WeCom too
    finally:
        context.close()
    assert errors == []


def test_on_a_desktop_the_login_page_offers_wecom_s_qr_login(page, product):
    rep = _member(product, "rep02@demo.siyu.example")
    page.goto(product["demo"] + "/accounts/login/")
    page.click("text=用企业微信登录")
    page.wait_for_url(re.compile(re.escape(product["wecom"]) + r"/wwlogin/sso/login\?"))
    page.click(f"button[value='{rep['userid']}']")
    page.wait_for_url(re.compile(r"/home/rep/(\?.*)?$"))
    assert rep["name"] in page.inner_text("header")
