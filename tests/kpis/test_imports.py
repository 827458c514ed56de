"""Event files: Chinese or English columns, CSV (UTF-8 or GBK) or XLSX, checked by a worker
(columns, rows, a preview), a background import that resumes, a per-row error report, and
re-imports that add nothing."""

import csv
import io
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from apps.kpis.models import Event, ImportJob
from apps.kpis.services.imports import (
    import_job_check,
    import_job_create,
    import_job_run,
    import_job_start,
    import_preview,
)

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
    """Upload, then what the worker does next: check the file."""
    with brand:
        from apps.accounts.models import User

        job = import_job_create(upload=SimpleUploadedFile(name, content), user=User.objects.get(pk=brand.admin_id))
        assert job.status == ImportJob.Status.CHECKING and job.rows_total == 0  # nothing read in the request
        return import_job_check(job_id=job.pk)


def _run(job):
    assert import_job_start(job=job)
    return import_job_run(job_id=job.pk)


@pytest.mark.parametrize(
    ("name", "content"),
    [("events.csv", _csv(ROWS, "gb18030")), ("events.xlsx", _xlsx(ROWS))],
    ids=["csv", "xlsx"],  # not the bytes: an XLSX carries the second it was written, differing between workers
)
def test_a_file_is_previewed_imported_and_its_bad_rows_reported(alpha, name, content):
    job = _upload(alpha, name, content)
    assert job.rows_total == 5
    with alpha:
        preview = import_preview(job)
        assert preview.ignored == ["备注"]
        verdicts = [error for _row, error in preview.rows]
        assert verdicts[:3] == ["", "", ""] and "nobody@alpha.test" in verdicts[3] and "kind" in verdicts[4]
        assert not Event.objects.exists()  # a preview stores nothing
        job = _run(job)
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
        again = _run(again)
        assert (again.created, again.duplicates) == (0, 3)
        assert Event.objects.count() == 3


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("x.csv", _csv([["类型", "金额"], ["订单", "1"]]), "occurred_at"),
        ("x.csv", _csv([["kind", "occurred_at"]]), "没有数据行"),
        ("x.csv", b"kind,occurred_at\n\xff\xfe\x00bad", "编码"),
        ("x.csv", _csv([["kind", "occurred_at"]] + [["order", "2026-10-01"]] * 5000) + b"\x80\x80\x80", "编码"),
        ("x.csv", b'kind,occurred_at\norder,"' + b"x" * 200_000 + b'"\n', "第 2 行"),
        ("x.xlsx", _xlsx([["kind", "occurred_at"], ["order", "2026-10-01"]])[:400], "XLSX"),
    ],
    ids=["no-occurred-at", "no-rows", "not-utf8", "not-utf8-at-the-end", "huge-field", "cut-off-xlsx"],
)
def test_files_without_the_required_columns_or_rows_fail_their_check_and_store_nothing(alpha, name, content, message):
    try:
        job = _upload(alpha, name, content)
    except ValidationError as error:  # what can be told without reading the file: in the request
        assert message in " ".join(error.messages)
        return
    assert job.status == ImportJob.Status.FAILED and message in job.message
    with alpha:
        assert not Event.objects.exists() and not import_job_start(job=job)


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
        assert import_job_start(job=job)
        _import_chunk(job.pk, first)
        job = import_job_run(job_id=job.pk)
        assert (job.rows_done, job.created, job.duplicates) == (2500, 2500, 0)
        assert Event.objects.count() == 2500


def test_the_pages_walk_an_admin_through_an_import(alpha, django_capture_on_commit_callbacks):
    admin = alpha.client("admin")
    refused = admin.post("/kpis/imports/", {"file": SimpleUploadedFile("notes.txt", b"hello")})
    assert "只支持" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the worker checks the file
        uploaded = admin.post("/kpis/imports/", {"file": SimpleUploadedFile("events.csv", _csv(ROWS))})
    job_url = uploaded.url
    preview = admin.get(job_url).content.decode()
    assert "前 10 行预览" in preview and "nobody@alpha.test" in preview
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(job_url + "start/")
    progress = admin.get(job_url + "progress/").content.decode()
    assert "已完成" in progress and "hx-trigger" not in progress and "errors.csv" in progress
    assert alpha.client("rep").get(job_url).status_code == 403


def _xlsx_with_sheet(sheet_xml: bytes) -> bytes:
    """A real workbook whose first sheet's XML is replaced (for what openpyxl would never write)."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(_xlsx([["kind", "occurred_at"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = sheet_xml if info.filename == "xl/worksheets/sheet1.xml" else source.read(info)
            target.writestr(info.filename, data)
    return out.getvalue()


def _sheet(rows_xml: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main"><sheetData>{rows_xml}</sheetData></worksheet>'
    ).encode()


HEADER_XML = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>kind</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>occurred_at</t></is></c></row>'
)


def test_an_xlsx_that_unpacks_beyond_the_limit_is_refused_in_the_request(alpha, settings):
    settings.IMPORT_MAX_UNPACKED_MB = 1
    row = '<row><c t="inlineStr"><is><t>order</t></is></c><c t="inlineStr"><is><t>2026-10-01</t></is></c></row>'
    bomb = _xlsx_with_sheet(_sheet(HEADER_XML + row * 30_000))  # a few KB that unpack to ~3 MB of rows
    assert len(bomb) < 100_000
    with pytest.raises(ValidationError, match="解压后超过 1 MB"):
        _upload(alpha, "bomb.xlsx", bomb)
    with alpha:
        assert not ImportJob.objects.exists()


def test_rows_and_columns_over_the_limits_fail_the_check_before_anything_is_stored(alpha, settings):
    settings.IMPORT_MAX_ROWS = 100
    many = _upload(alpha, "many.csv", _csv([["kind", "occurred_at"]] + [["order", "2026-10-01"]] * 150))
    assert many.status == "failed" and "超过 100 行" in many.message
    wide = _upload(alpha, "wide.csv", (",".join(["kind", "occurred_at"] + ["x"] * 1_000_000) + "\n").encode())
    assert wide.status == "failed" and "1,000,002 列" in wide.message and "最多 50 列" in wide.message
    with alpha:
        assert not Event.objects.exists()
        assert not ImportJob.objects.filter(status__in=["pending", "running", "done"]).exists()


def test_a_number_cell_holding_text_is_reported_not_a_crash(alpha):
    bad = '<row r="2"><c r="A2" t="inlineStr"><is><t>order</t></is></c><c r="B2" t="n"><v>abc</v></c></row>'
    job = _upload(alpha, "bad.xlsx", _xlsx_with_sheet(_sheet(HEADER_XML + bad)))
    assert job.status == "failed" and "第 2 行无法读取" in job.message


def test_uploads_over_the_size_limit_are_refused_before_they_are_read(alpha, settings):
    settings.IMPORT_MAX_FILE_MB = 1
    admin = alpha.client("admin")
    big = admin.post(
        "/kpis/imports/", {"file": SimpleUploadedFile("big.csv", b"kind,occurred_at\n" + b"x" * 3 * 2**20)}
    )
    assert big.status_code == 413 and "文件不能超过 1 MB" in big.content.decode()
    just_over = admin.post(
        "/kpis/imports/", {"file": SimpleUploadedFile("b.csv", b"kind,occurred_at\n" + b"x" * 2**20)}
    )
    assert just_over.status_code == 200 and "文件不能超过 1 MB" in just_over.content.decode()
    with alpha:
        assert not ImportJob.objects.exists()


def test_the_preview_shows_the_first_rows_only_and_shortens_long_cells(alpha, django_capture_on_commit_callbacks):
    rows = [["kind", "occurred_at", "备注"]] + [["order", "2026-10-01", "长" * 5000]] * 500
    with django_capture_on_commit_callbacks(execute=True):
        uploaded = alpha.client("admin").post("/kpis/imports/", {"file": SimpleUploadedFile("e.csv", _csv(rows))})
    page = alpha.client("admin").get(uploaded.url).content.decode()
    assert "共 500 行数据" in page and page.count("<tr>") <= 12 and len(page) < 60_000
