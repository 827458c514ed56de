"""Daily reports and logs in a real browser on the demo brand: a manager reads yesterday's report
with its chart and downloads it; a rep files today's log and reads a manager's comment."""

import re

import pytest

from tests.e2e.conftest import demo_login, shoot

# Every browser test shares one running product, so they all run on one pytest-xdist worker.
pytestmark = pytest.mark.xdist_group("browser")


def test_a_manager_reads_the_daily_report_and_a_store_leads_comment_reaches_the_rep(page, product):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    demo_login(page, product, "ops@demo.siyu.example", lands_on="/home/ops/")
    page.click("nav >> text=日报")
    page.wait_for_url(re.compile(r"/reports/\d{4}-\d{2}-\d{2}/$"))
    main = page.inner_text("main")
    for label in ("全品牌", "较上周同日", "每日还需", "华东大区", "上海南京路店", "未交日报", "本月 GMV 排行"):
        assert label in main, label
    page.wait_for_function("() => window.echarts && document.querySelector('[data-chart] canvas')")
    shoot(page, "daily-report-ops")
    with page.expect_download() as download:
        page.click("text=PDF")
    assert download.value.suggested_filename.endswith(".pdf")
    assert errors == []

    page.click("text=员工日报 →")
    page.wait_for_selector(".daily-log")
    first = page.locator(".daily-log").first
    author = first.locator("header strong").inner_text()
    first.locator("textarea[name=text]").fill("节奏很好，继续保持")
    first.locator("button:has-text('批注')").click()
    page.wait_for_selector("text=已批注")
    assert author in page.inner_text(".flash")


def test_a_rep_files_todays_log(page, product):
    demo_login(page, product, "rep03@demo.siyu.example", lands_on="/home/rep/")
    page.click("nav >> text=写日报")
    page.wait_for_url(re.compile(r"/logs/$"))
    page.click("button:has-text('提交日报')")  # nothing written: refused with field errors
    assert "请写下今天完成了什么" in page.inner_text("main")
    page.fill("textarea[name=done]", "给 8 位老客发了新品试用邀请")
    page.fill("textarea[name=plan]", "跟进有意向的 3 位客户")
    page.locator("input[name=customers]").first.check()
    page.click("button:has-text('提交日报')")
    page.wait_for_selector("text=日报已提交")
    assert "给 8 位老客发了新品试用邀请" in page.inner_text(".daily-log")
    shoot(page, "daily-log-rep")
