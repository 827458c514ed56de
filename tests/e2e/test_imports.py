"""A product-ops person imports an event file in a real browser: the worker checks it while the
page waits, the preview shows the first rows with what is wrong, the import runs with its
progress, and the failed rows download as a CSV."""

import pytest

from tests.e2e.conftest import demo_login, shoot

# Every browser test shares one running product, so they all run on one pytest-xdist worker.
pytestmark = pytest.mark.xdist_group("browser")

CSV = (
    "类型,发生时间,员工,客户,金额\n"
    "订单,2026-11-20 10:00,DG0001,e2e-import-1,199.00\n"
    "订单,2026-11-20 11:00,nobody@demo.siyu.example,e2e-import-2,50\n"
)


def test_an_event_file_is_checked_previewed_imported_and_its_errors_downloaded(page, product, tmp_path):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    file = tmp_path / "events.csv"
    file.write_text(CSV, encoding="utf-8")
    demo_login(page, product, "product@demo.siyu.example", lands_on="/home/product/")
    page.goto(product["demo"] + "/kpis/imports/")
    page.set_input_files("input[type=file]", str(file))
    page.click("form button[type=submit]")
    page.wait_for_selector("text=前 10 行预览", timeout=30_000)  # the worker checked it; the page reloaded
    assert "共 2 行数据" in page.inner_text("main") and "nobody@demo.siyu.example" in page.inner_text("main")
    shoot(page, "import-preview")
    page.click("button:has-text('开始导入')")
    page.wait_for_selector("text=已完成", timeout=30_000)
    assert "下载出错行" in page.inner_text("main")
    with page.expect_download() as download:
        page.click("text=下载出错行")
    assert "nobody@demo.siyu.example" in open(download.value.path(), encoding="utf-8-sig").read()  # noqa: SIM115
    shoot(page, "import-done")
    assert errors == []
