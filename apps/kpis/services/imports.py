"""Event files (CSV or XLSX) imported in the background, in chunks through the same ingestion as
the API, with a per-row error report.

The web request only keeps the file (after checking its size, and for XLSX that it is a real
archive that does not unpack beyond the limit); a worker reads it: it checks the columns, counts
the rows against the limit and keeps a preview of the first rows, and only after the person has
seen that preview and started the import does it store anything. Files are streamed, never read
whole. Limits (size, unpacked size, columns, rows) come from settings (IMPORT_MAX_*).

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
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.common.spreadsheets import csv_unquoted
from apps.kpis.catalogue import Channel, EventKind
from apps.kpis.models import ImportJob, ImportRowError
from apps.kpis.services.events import MAX_BATCH, events_check, events_ingest

MB = 1024 * 1024
PREVIEW_ROWS = 10
PREVIEW_CELL_CHARS = 200  # what a preview shows of one cell
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
    fields: dict[int, str] = {}
    ignored: list[str] = []
    for index, column in enumerate(columns):
        name = lookup.get(str(column or "").strip().lower())
        if name and name not in fields.values():
            fields[index] = name
        elif str(column or "").strip():
            ignored.append(str(column))
    missing = [name for name in REQUIRED if name not in fields.values()]
    return Header([_cell(c) for c in columns], fields, missing, ignored)


def _csv_encoding(path: str) -> str:
    """UTF-8 (with or without BOM), or GB18030 as Excel saves Chinese CSVs: judged by the start."""
    with open(path, "rb") as handle:
        head = handle.read(64 * 1024)
    try:
        codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
        return "utf-8-sig"
    except UnicodeDecodeError:
        return "gb18030"


def _xlsx_archive_check(path: str) -> None:
    """A real XLSX (a zip archive) that does not unpack beyond the limit; reading its central
    directory costs nothing, and zipfile holds each member to the size the directory declares."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        raise ValidationError({"file": _("无法读取这个 XLSX 文件：它不是有效的 Excel 文件。")}) from None
    if unpacked > settings.IMPORT_MAX_UNPACKED_MB * MB:
        raise ValidationError(
            {"file": _("这个 XLSX 解压后超过 %(mb)s MB，请拆分成几个文件。") % {"mb": settings.IMPORT_MAX_UNPACKED_MB}}
        )


def table_rows(path: str, name: str) -> Iterator[list]:
    """Every row of the file's first sheet, header first, values as the file holds them, streamed.
    ValidationError (with the row number) for a file that cannot be read."""
    number = 0
    try:
        if name.lower().endswith(".xlsx"):
            _xlsx_archive_check(path)
            from openpyxl import load_workbook

            workbook = load_workbook(path, read_only=True, data_only=True)
            try:
                for row in workbook.worksheets[0].iter_rows(values_only=True):
                    number += 1
                    yield list(row)
            finally:
                workbook.close()
            return
        with open(path, encoding=_csv_encoding(path), newline="") as handle:
            for row in csv.reader(handle):
                number += 1
                yield row
    except ValidationError:
        raise
    except UnicodeDecodeError:
        raise ValidationError(
            {"file": _("文件的文字编码无法识别（既不是 UTF-8 也不是 GB18030）：请另存为 UTF-8 的 CSV。")}
        ) from None
    except Exception as error:  # openpyxl and csv raise many kinds on a damaged file
        raise ValidationError(
            {"file": _("第 %(row)s 行无法读取：%(error)s") % {"row": number + 1, "error": str(error)[:200]}}
        ) from None


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return csv_unquoted(str(value).strip())


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
    """What the worker found when it checked the file, kept on the job for the person to see."""

    fields: list[str]
    ignored: list[str]
    rows: list[tuple[list[str], str]]  # (cells as uploaded, shortened; error message or "")


def import_preview(job: ImportJob) -> Preview:
    data = job.preview or {}
    return Preview(data.get("fields", []), data.get("ignored", []), [tuple(row) for row in data.get("rows", [])])


def import_job_create(*, upload, user) -> ImportJob:
    """Keep the uploaded file and a job for it; a worker checks it (import_job_check)."""
    from apps.kpis.tasks import check_events_file

    if upload.size > settings.IMPORT_MAX_FILE_MB * MB:
        raise ValidationError({"file": _("文件不能超过 %(mb)s MB。") % {"mb": settings.IMPORT_MAX_FILE_MB}})
    job = ImportJob(original_name=upload.name[:255], created_by=user, status=ImportJob.Status.CHECKING)
    job.file.save(f"{timezone.now():%Y%m%d%H%M%S}-{upload.name[-80:]}", upload, save=False)
    if job.original_name.lower().endswith(".xlsx"):
        try:
            _xlsx_archive_check(job.file.path)
        except ValidationError:
            job.file.delete(save=False)
            raise
    job.save()
    check_events_file.delay_on_commit(job.pk)
    return job


def _header(rows: Iterator[list]) -> Header:
    columns = next(rows, [])
    while columns and _cell(columns[-1]) == "":  # Excel keeps formatted empty columns
        columns = columns[:-1]
    return read_header(columns)


def _checked(job: ImportJob) -> tuple[Header, int, list[tuple[dict, list[str]]]]:
    """(header, data rows, the first rows as items) — or ValidationError saying what is wrong."""
    rows = table_rows(job.file.path, job.original_name)
    header = _header(rows)
    columns = header.columns
    if len(columns) > settings.IMPORT_MAX_COLUMNS:
        raise ValidationError(
            _("文件有 %(n)s 列，最多 %(max)s 列。") % {"n": f"{len(columns):,}", "max": settings.IMPORT_MAX_COLUMNS}
        )
    if header.missing:
        raise ValidationError(_("缺少必需的列：%(columns)s。") % {"columns": ", ".join(header.missing)})
    total, seen = 0, Counter[str]()
    sample: list[tuple[dict, list[str]]] = []
    for row in rows:
        if not any(_cell(v) for v in row):
            continue
        total += 1
        if total > settings.IMPORT_MAX_ROWS:
            raise ValidationError(
                _("文件超过 %(max)s 行，请拆分成几个文件。") % {"max": f"{settings.IMPORT_MAX_ROWS:,}"}
            )
        if len(sample) < PREVIEW_ROWS:
            sample.append(row_item(header, row, seen))
    if total == 0:
        raise ValidationError(_("文件里没有数据行。"))
    return header, total, sample


def import_job_check(*, job_id: int) -> ImportJob:
    """In a worker: read the whole file once (columns, row count within the limits, a preview of
    the first rows checked as ingestion would); nothing is stored but the job's findings."""
    job = ImportJob.objects.get(pk=job_id)
    if job.status != ImportJob.Status.CHECKING:
        return job
    try:
        header, total, sample = _checked(job)
    except ValidationError as error:
        import_job_fail(job_id=job.pk, message=" ".join(error.messages))
        job.file.delete(save=False)
        job.refresh_from_db()
        return job
    verdicts = events_check(items=[item for item, _original in sample]).items
    job.rows_total, job.columns, job.status = total, header.columns, ImportJob.Status.PENDING
    job.preview = {
        "fields": list(header.fields.values()),
        "ignored": header.ignored,
        "rows": [
            [[cell[:PREVIEW_CELL_CHARS] for cell in original], _errors_text(verdict.errors)]
            for (_item, original), verdict in zip(sample, verdicts, strict=True)
        ],
    }
    job.save(update_fields=["rows_total", "columns", "status", "preview"])
    return job


def import_job_start(*, job: ImportJob) -> bool:
    """The person saw the preview and starts the import; False if it was not waiting to start."""
    from apps.kpis.tasks import import_events_file

    started = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PENDING).update(
        status=ImportJob.Status.RUNNING
    )
    if started:
        import_events_file.delay_on_commit(job.pk)
    return bool(started)


def import_job_run(*, job_id: int) -> ImportJob:
    """Import the rows not yet done (of a started job), a chunk per transaction with the job's progress."""
    job = ImportJob.objects.get(pk=job_id)
    if job.status != ImportJob.Status.RUNNING:
        return job
    rows = table_rows(job.file.path, job.original_name)
    header = _header(rows)
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
