"""A brand admin in a real browser: exports the brand's data and downloads the ZIP, opens the
audit log, and asks for the brand's deletion, sees everyone warned, and cancels it."""

import io
import json
import re
import zipfile

import pytest

from tests.e2e.conftest import demo_login, shoot

# Every browser test shares one running product, so they all run on one pytest-xdist worker.
pytestmark = pytest.mark.xdist_group("browser")


def test_admin_exports_reads_the_audit_log_and_deletes_then_cancels(page, product):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    demo_login(page, product, "admin@demo.siyu.example", lands_on="/home/admin/")
    page.goto(product["demo"] + "/settings/data/")
    page.click("button:has-text('生成导出文件')")
    page.wait_for_selector("text=已开始生成导出文件")
    for _ in range(60):  # the worker builds it; the admin looks again
        if page.locator("a:has-text('下载')").count():
            break
        page.wait_for_timeout(1000)
        page.reload()
    with page.expect_download() as download:
        page.click("a:has-text('下载')")
    archive = zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read()))  # noqa: SIM115
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["brand"]["slug"] == "demo" and manifest["tables"]["kpis/event.csv"] > 1000
    shoot(page, "brand-data-export")

    page.click("text=查看审计日志")
    page.wait_for_url(re.compile(r"/admin/auditlog/logentry/"))
    assert page.locator("#result_list tbody tr").count() > 0
    shoot(page, "audit-log")

    page.goto(product["demo"] + "/settings/data/")
    page.fill("input[name=confirm_slug]", "not-demo")
    page.click("button:has-text('申请删除品牌')")
    assert "请输入品牌子域名 demo 以确认" in page.inner_text("main")
    page.fill("input[name=confirm_slug]", "demo")
    page.click("button:has-text('申请删除品牌')")
    page.wait_for_selector("text=本品牌已申请删除")
    shoot(page, "brand-deletion-requested")
    page.click("button:has-text('撤销删除')")
    page.wait_for_selector("text=已撤销删除申请")
    assert "本品牌已申请删除" not in page.inner_text("main")
    assert errors == []
