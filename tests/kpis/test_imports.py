"""Event files: Chinese or English columns, CSV (UTF-8 or GBK) or XLSX, a checked preview, a
background import that resumes, a per-row error report, and re-imports that add nothing."""

import csv
import io
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from apps.kpis.models import Event, ImportJob
from apps.kpis.services.imports import import_job_create, import_job_run, import_preview

ROWS = [
    ["类型", "发生时间", "员工", "渠道", "客户", "金额", "标签", "备注"],
    ["加粉", "2026-10-03 10:00", "rep@alpha.test", "企业微信", "wx-1", "", "敏感肌|VIP", "扫码"],
    ["订单", "2026-10-04 11:30", "rep@alpha.test", "", "wx-1", "199.00", "", ""],
    ["订单", "2026-10-04 11:30", "rep@alpha.test", "", "wx-1", "199.00", "", "同一分钟又买了一单"],
    ["订单", "2026-10-05 12:00", "nobody@alpha.test", "", "wx-2", "50", "", ""],
    ["跳舞", "yesterday", "", "", "", "", "", ""],
]


def _csv(rows, encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def _xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _upload(brand, name, content):
    with brand:
        from apps.accounts.models import User

        return import_job_create(upload=SimpleUploadedFile(name, content), user=User.objects.get(pk=brand.admin_id))


@pytest.mark.parametrize(("name", "content"), [("events.csv", _csv(ROWS, "gb18030")), ("events.xlsx", _xlsx(ROWS))])
def test_a_file_is_previewed_imported_and_its_bad_rows_reported(alpha, name, content):
    job = _upload(alpha, name, content)
    assert job.rows_total == 5
    with alpha:
        preview = import_preview(job)
        assert preview.header.ignored == ["备注"]
        verdicts = [error for _row, error in preview.rows]
        assert verdicts[:3] == ["", "", ""] and "nobody@alpha.test" in verdicts[3] and "kind" in verdicts[4]
        assert not Event.objects.exists()  # a preview stores nothing
        job = import_job_run(job_id=job.pk)
        assert (job.status, job.created, job.duplicates, job.failed, job.rows_done) == ("done", 3, 0, 2, 5)
        order = Event.objects.filter(kind="order").first()
        assert str(order.amount) == "199.00" and order.customer.tags == ["VIP", "敏感肌"]
        assert Event.objects.get(kind="fan_added").channel == "wecom"

    report = alpha.client("admin").get(f"/kpis/imports/{job.pk}/errors.csv")
    lines = list(csv.reader(io.StringIO(b"".join(report.streaming_content).decode("utf-8-sig"))))
    assert lines[0] == ["行号", *ROWS[0], "错误"]
    assert [line[0] for line in lines[1:]] == ["5", "6"] and lines[1][3] == "nobody@alpha.test"

    again = _upload(alpha, name, content)  # the same file, no external-id column: nothing new
    with alpha:
        again = import_job_run(job_id=again.pk)
        assert (again.created, again.duplicates) == (0, 3)
        assert Event.objects.count() == 3


def test_files_without_the_required_columns_or_rows_are_refused_up_front(alpha):
    with pytest.raises(ValidationError, match=r"occurred_at"):
        _upload(alpha, "x.csv", _csv([["类型", "金额"], ["订单", "1"]]))
    with pytest.raises(ValidationError, match="没有数据行"):
        _upload(alpha, "x.csv", _csv([["kind", "occurred_at"]]))
    with pytest.raises(ValidationError, match="XLSX"):
        _upload(alpha, "x.xlsx", b"not a zip file")
    with alpha:
        assert not ImportJob.objects.exists()


def test_an_interrupted_import_resumes_where_its_last_chunk_ended(alpha):
    rows = [["external_id", "kind", "occurred_at", "quantity"]]
    rows += [[f"e{n}", "interaction", "2026-10-10T10:00:00+08:00", "1"] for n in range(2500)]
    job = _upload(alpha, "big.csv", _csv(rows))
    with alpha:
        from apps.kpis.services.imports import _import_chunk, read_header, row_item, table_rows

        # what a worker killed after its first chunk leaves behind: 1,000 rows in, progress saved
        lines = table_rows(job.file.path, job.original_name)
        header = read_header(next(lines))
        first = [(n + 2, *row_item(header, row, Counter())) for n, row in zip(range(1000), lines, strict=False)]
        _import_chunk(job.pk, first)
        job = import_job_run(job_id=job.pk)
        assert (job.rows_done, job.created, job.duplicates) == (2500, 2500, 0)
        assert Event.objects.count() == 2500


def test_the_pages_walk_an_admin_through_an_import(alpha, django_capture_on_commit_callbacks):
    admin = alpha.client("admin")
    refused = admin.post("/kpis/imports/", {"file": SimpleUploadedFile("notes.txt", b"hello")})
    assert "只支持" in refused.content.decode()
    uploaded = admin.post("/kpis/imports/", {"file": SimpleUploadedFile("events.csv", _csv(ROWS))})
    job_url = uploaded.url
    preview = admin.get(job_url).content.decode()
    assert "前 10 行预览" in preview and "nobody@alpha.test" in preview
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(job_url + "start/")
    progress = admin.get(job_url + "progress/").content.decode()
    assert "已完成" in progress and "hx-trigger" not in progress and "errors.csv" in progress
    assert alpha.client("rep").get(job_url).status_code == 403
