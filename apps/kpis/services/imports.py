"""Event files (CSV or XLSX) imported in the background, in chunks through the same ingestion as
the API, with a per-row error report.

Columns may be named in English (the API's field names) or Chinese (外部编号, 类型, 发生时间 …);
kinds and channels may be written as codes or as their Chinese labels. Without an external-id
column each row gets one derived from its content (and its occurrence among identical rows),
so re-importing the same file adds nothing. Each chunk and the job's progress are committed
together: a worker that dies mid-file resumes where the last chunk ended.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.kpis.catalogue import Channel, EventKind
from apps.kpis.models import ImportJob, ImportRowError
from apps.kpis.services.events import MAX_BATCH, events_check, events_ingest

MAX_FILE_BYTES = 50 * 1024 * 1024
HEADER_ALIASES = {
    "external_id": ["external_id", "外部编号", "事件编号", "编号", "id"],
    "kind": ["kind", "类型", "事件类型"],
    "occurred_at": ["occurred_at", "发生时间", "时间"],
    "member": ["member", "员工", "工号", "导购", "员工工号"],
    "channel": ["channel", "渠道"],
    "campaign": ["campaign", "活动", "活动代码"],
    "customer": ["customer", "客户", "客户编号"],
    "quantity": ["quantity", "数量"],
    "amount": ["amount", "金额"],
    "tags": ["tags", "标签", "客户标签"],
}
REQUIRED = ("kind", "occurred_at")
_TAG_SPLIT = re.compile(r"[|,，;；、]")
_KIND_BY_LABEL = {str(label): code for code, label in EventKind.choices}
_CHANNEL_BY_LABEL = {str(label): code for code, label in Channel.choices}


@dataclass
class Header:
    columns: list[str]  # as in the file
    fields: dict[int, str]  # column index → event field
    missing: list[str]
    ignored: list[str]


def read_header(columns: list[str]) -> Header:
    lookup = {alias.lower(): name for name, aliases in HEADER_ALIASES.items() for alias in aliases}
    fields, ignored = {}, []
    for index, column in enumerate(columns):
        name = lookup.get(str(column or "").strip().lower())
        if name and name not in fields.values():
            fields[index] = name
        elif str(column or "").strip():
            ignored.append(str(column))
    missing = [name for name in REQUIRED if name not in fields.values()]
    return Header([str(c or "") for c in columns], fields, missing, ignored)


def _decoded_lines(handle) -> Iterator[str]:
    """UTF-8 (with or without BOM), or GB18030 as Excel saves Chinese CSVs."""
    raw = handle.read()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = codecs.decode(raw, encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError(_("文件编码无法识别：请另存为 UTF-8 的 CSV。"))
    return iter(io.StringIO(text, newline=""))


def table_rows(path: str, name: str) -> Iterator[list]:
    """Every row of the file's first sheet, header first, values as the file holds them."""
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(path, read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds on a damaged file
            raise ValidationError(_("无法读取这个 XLSX 文件：%(error)s") % {"error": error}) from None
        try:
            for row in workbook.worksheets[0].iter_rows(values_only=True):
                yield list(row)
        finally:
            workbook.close()
        return
    with open(path, "rb") as handle:
        yield from csv.reader(_decoded_lines(handle))


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def row_item(header: Header, row: list, seen: Counter) -> tuple[dict, list[str]]:
    """(event item for ingestion, the row's cells as uploaded)."""
    original = [_cell(row[i]) if i < len(row) else "" for i in range(len(header.columns))]
    item: dict = {}
    for index, name in header.fields.items():
        value = _cell(row[index]) if index < len(row) else ""
        if value != "":
            item[name] = value
    if "kind" in item:
        item["kind"] = _KIND_BY_LABEL.get(item["kind"], item["kind"])
    if "channel" in item:
        item["channel"] = _CHANNEL_BY_LABEL.get(item["channel"], item["channel"])
    if "tags" in item:
        item["tags"] = [tag.strip() for tag in _TAG_SPLIT.split(item["tags"]) if tag.strip()]
    if not item.get("external_id"):
        content = "\x1f".join(f"{k}={item[k]}" for k in sorted(item))
        seen[content] += 1
        digest = hashlib.sha1(f"{content}\x1e{seen[content]}".encode(), usedforsecurity=False).hexdigest()
        item["external_id"] = f"row-{digest[:32]}"
    return item, original


def _errors_text(errors: dict) -> str:
    return "；".join(f"{field}: {' '.join(messages)}" for field, messages in errors.items())


@dataclass
class Preview:
    header: Header
    rows: list[tuple[list[str], str]]  # (cells as uploaded, error message or "")
    estimated_rows: int | None


def import_preview(job: ImportJob, sample: int = 10) -> Preview:
    rows = table_rows(job.file.path, job.original_name)
    header = read_header(next(rows, []))
    sampled, seen = [], Counter()
    items = []
    for row in rows:
        if len(items) >= sample:
            break
        item, original = row_item(header, row, seen)
        items.append((item, original))
    verdicts = events_check(items=[item for item, _original in items]).items if not header.missing else []
    for position, (_item, original) in enumerate(items):
        errors = verdicts[position].errors if verdicts else {}
        sampled.append((original, _errors_text(errors)))
    return Preview(header, sampled, job.rows_total or None)


def import_job_create(*, upload, user) -> ImportJob:
    """Keep the uploaded file and a job for it; the header is checked now, rows when it runs."""
    if upload.size > MAX_FILE_BYTES:
        raise ValidationError({"file": _("文件不能超过 50 MB。")})
    job = ImportJob(original_name=upload.name[:255], created_by=user)
    job.file.save(f"{timezone.now():%Y%m%d%H%M%S}-{upload.name[-80:]}", upload, save=False)
    try:
        rows = table_rows(job.file.path, job.original_name)
        header = read_header(next(rows, []))
        total = sum(1 for row in rows if any(_cell(v) for v in row))
    except ValidationError:
        job.file.delete(save=False)
        raise
    except (csv.Error, UnicodeError) as error:
        job.file.delete(save=False)
        raise ValidationError({"file": str(error)}) from None
    if header.missing:
        job.file.delete(save=False)
        raise ValidationError({"file": _("缺少必需的列：%(columns)s。") % {"columns": ", ".join(header.missing)}})
    if total == 0:
        job.file.delete(save=False)
        raise ValidationError({"file": _("文件里没有数据行。")})
    job.rows_total, job.columns = total, header.columns
    job.save()
    return job


def import_job_run(*, job_id: int) -> ImportJob:
    """Import the rows not yet done, a chunk per transaction with the job's progress."""
    job = ImportJob.objects.get(pk=job_id)
    if job.finished:
        return job
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    rows = table_rows(job.file.path, job.original_name)
    header = read_header(next(rows, []))
    seen: Counter = Counter()
    chunk: list[tuple[int, dict, list]] = []
    number = 1  # the header is row 1
    done = job.rows_done
    position = 0
    for row in rows:
        number += 1
        if not any(_cell(v) for v in row):
            continue
        item, original = row_item(header, row, seen)  # always, so derived ids match a first run's
        position += 1
        if position <= done:
            continue
        chunk.append((number, item, original))
        if len(chunk) >= MAX_BATCH:
            _import_chunk(job.pk, chunk)
            chunk = []
    if chunk:
        _import_chunk(job.pk, chunk)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.DONE, finished_at=timezone.now(), rows_total=F("rows_done")
    )
    job.refresh_from_db()
    return job


@transaction.atomic
def _import_chunk(job_id: int, chunk: list[tuple[int, dict, list]]) -> None:
    result = events_ingest(items=[item for _number, item, _original in chunk])
    ImportRowError.objects.bulk_create(
        ImportRowError(job_id=job_id, row=number, data=original, message=_errors_text(outcome.errors))
        for (number, _item, original), outcome in zip(chunk, result.items, strict=True)
        if outcome.status == "error"
    )
    ImportJob.objects.filter(pk=job_id).update(
        rows_done=F("rows_done") + len(chunk),
        created=F("created") + result.created,
        duplicates=F("duplicates") + result.duplicates,
        failed=F("failed") + result.errors,
    )


def import_job_fail(*, job_id: int, message: str) -> None:
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportJob.Status.FAILED, message=message[:500], finished_at=timezone.now()
    )


def error_report_rows(job: ImportJob) -> Iterator[list[str]]:
    """The failed rows as uploaded, with a column saying what is wrong: fix and import again."""
    yield [_("行号"), *job.columns, _("错误")]
    for error in job.row_errors.order_by("row").iterator(chunk_size=2000):
        yield [str(error.row), *error.data, error.message]
