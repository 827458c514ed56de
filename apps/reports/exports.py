"""A report view as an XLSX workbook (openpyxl) or a PDF (ReportLab).

ReportLab over WeasyPrint: it needs no system libraries (WeasyPrint needs Pango), so `make run`
works on a bare machine; its built-in Adobe CID font STSong-Light sets Chinese without shipping
a font file.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from apps.kpis.formatting import DASH, format_value
from apps.reports.selectors import ReportView, Section

CJK_FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))


def _headers() -> list[str]:
    return [
        _("对象"),
        _("指标"),
        _("昨日"),
        _("目标"),
        _("达成"),
        _("较前一日"),
        _("较上周同日"),
        _("本月累计"),
        _("月目标"),
        _("月进度达成"),
        _("每日还需"),
    ]


def _pct(value) -> str:
    return DASH if value is None else f"{value:,.1f}%"


def _rows(section: Section, currency: str) -> list[list[str]]:
    label = section.name or _("全品牌")
    rows = []
    for line in section.figures:
        unit = line.metric.unit
        rows.append(
            [
                label,
                str(line.metric.name),
                format_value(line.day, unit, currency),
                format_value(line.target, unit, currency),
                _pct(line.rate),
                _pct(line.vs_prev),
                _pct(line.vs_week),
                format_value(line.mtd, unit, currency),
                format_value(line.month_target, unit, currency),
                _pct(line.mtd_rate),
                format_value(line.needed_per_day, unit, currency),
            ]
        )
    return rows


def _sections(view: ReportView) -> list[tuple[str, list[Section]]]:
    parts = []
    if view.brand is not None:
        parts.append((_("全品牌"), [view.brand]))
    if view.teams:
        parts.append((_("团队"), view.teams))
    if view.reps:
        parts.append((_("导购"), view.reps))
    return parts


def report_xlsx(view: ReportView, currency: str) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, sections in _sections(view):
        sheet = book.create_sheet(title)
        sheet.append(_headers())
        for section in sections:
            for row in _rows(section, currency):
                sheet.append(row)
        sheet.freeze_panes = "C2"
    work = book.create_sheet(_("执行与合规"))
    work.append([_("对象"), _("SOP 完成"), _("SOP 下发"), _("跟进记录"), _("新增违规"), _("确认违规"), _("日报")])
    for _title, sections in _sections(view):
        for section in sections:
            work.append(
                [
                    section.name or _("全品牌"),
                    _plain(section.work.get("tasks_done")),
                    _plain(section.work.get("tasks_assigned")),
                    _plain(section.work.get("follow_ups")),
                    section.violations.get("new", 0),
                    section.violations.get("confirmed", 0),
                    "" if section.log_filed is None else (_("已交") if section.log_filed else _("未交")),
                ]
            )
    if view.violations:
        sheet = book.create_sheet(_("违规"))
        sheet.append([_("导购"), _("类别"), _("状态"), _("命中内容")])
        for v in view.violations:
            sheet.append([v.rep, v.category, v.status, v.matched])
    for sheet in book.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _plain(value) -> float | None:
    return float(value) if value is not None else None


def report_pdf(view: ReportView, brand_name: str, currency: str) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=f"{brand_name} {view.day.isoformat()}",
    )
    title = ParagraphStyle("title", fontName=CJK_FONT, fontSize=16, leading=22)
    heading = ParagraphStyle("heading", fontName=CJK_FONT, fontSize=12, leading=18, spaceBefore=8)
    body = ParagraphStyle("body", fontName=CJK_FONT, fontSize=9, leading=13)
    story = [
        Paragraph(f"{brand_name} · {_('数据日报')} {view.day.isoformat()}", title),
        Paragraph(_("生成于 %(at)s") % {"at": view.report.generated_at.strftime("%Y-%m-%d %H:%M UTC")}, body),
    ]
    style = TableStyle(
        [
            ("FONT", (0, 0), (-1, -1), CJK_FONT, 8),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eceff1")),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#b0bec5")),
            ("ALIGN", (2, 1), (-1, -1), "RIGHT"),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]
    )
    for part, sections in _sections(view):
        story.append(Paragraph(part, heading))
        rows = [_headers()] + [row for section in sections for row in _rows(section, currency)]
        story.append(Table(rows, repeatRows=1, style=style))
    missing = view.brand.missing_logs if view.brand else [name for t in view.teams for name in t.missing_logs]
    if missing:
        story += [Spacer(1, 4 * mm), Paragraph(_("未交日报：") + "、".join(dict.fromkeys(missing)), body)]
    if view.violations:
        story.append(Paragraph(_("违规"), heading))
        rows = [[_("导购"), _("类别"), _("状态"), _("命中内容")]]
        rows += [[v.rep, v.category, v.status, v.matched] for v in view.violations]
        story.append(Table(rows, repeatRows=1, style=style))
    document.build(story)
    return buffer.getvalue()
