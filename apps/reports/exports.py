"""A report view as an XLSX workbook (openpyxl) or a PDF (ReportLab).

ReportLab over WeasyPrint: it needs no system libraries (WeasyPrint needs Pango), so `make run`
works on a bare machine; its built-in Adobe CID font STSong-Light sets Chinese without shipping
a font file.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape  # Paragraph text is ReportLab markup: names are escaped into it

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

from apps.common.formatting import (
    CURRENCY_SYMBOLS,
    Unit,
    achievement_text,
    achievement_value,
    change_text,
    format_value,
    shown_value,
)
from apps.common.spreadsheets import xlsx_append
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


@dataclass(frozen=True)
class Cell:
    """One figure of a report row and how it reads: a metric's value (`unit`), an achievement
    ("achievement"), or a change on an earlier day ("change:<unit>")."""

    value: Decimal | None
    kind: str

    def text(self, currency: str) -> str:
        if self.kind == "achievement":
            return achievement_text(self.value)
        if self.kind.startswith("change:"):
            return change_text(self.value, self.kind.removeprefix("change:"))
        return format_value(self.value, self.kind, currency)

    def xlsx(self, currency: str) -> tuple[float | None, str]:
        """A number with the format that shows it as the page does (percentages as fractions)."""
        if self.value is None:
            return None, "General"
        if self.kind == "achievement":
            return float(achievement_value(self.value) or 0) / 100, "0.0%"
        if self.kind.startswith("change:"):
            unit = self.kind.removeprefix("change:")
            if unit == Unit.PERCENT:
                points = _("个百分点")
                return float(self.value), f'+0.0" {points}";-0.0" {points}";0.0" {points}"'
            if unit == Unit.RATIO:
                return float(self.value), "+0.00;-0.00;0.00"
            return float(achievement_value(self.value) or 0) / 100, "+0.0%;-0.0%;0.0%"
        shown = shown_value(self.value, self.kind)
        if self.kind == Unit.PERCENT:
            return float(shown or 0) / 100, "0.0%"
        if self.kind == Unit.MONEY:
            symbol = CURRENCY_SYMBOLS.get(currency, currency + " ")
            return float(shown or 0), f'"{symbol}"#,##0.00'
        return float(shown or 0), "#,##0.00" if self.kind == Unit.RATIO else "#,##0"


def _rows(section: Section) -> list[list]:
    """A label, the metric's name, then its figures as cells."""
    label = section.name or _("全品牌")
    rows = []
    for line in section.figures:
        unit = line.metric.unit
        rows.append(
            [
                label,
                str(line.metric.name),
                Cell(line.day, unit),
                Cell(line.target, unit),
                Cell(line.rate, "achievement"),
                Cell(line.vs_prev, f"change:{unit}"),
                Cell(line.vs_week, f"change:{unit}"),
                Cell(line.mtd, unit),
                Cell(line.month_target, unit),
                Cell(line.mtd_rate, "achievement"),
                Cell(line.needed_per_day, unit),
            ]
        )
    return rows


def _texts(row: list, currency: str) -> list[str]:
    return [cell.text(currency) if isinstance(cell, Cell) else cell for cell in row]


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
        xlsx_append(sheet, _headers())
        for section in sections:
            for row in _rows(section):
                _xlsx_figures(sheet, row, currency)
        sheet.freeze_panes = "C2"
    work = book.create_sheet(_("执行与合规"))
    xlsx_append(work, [_("对象"), _("SOP 完成"), _("SOP 下发"), _("跟进记录"), _("新增违规"), _("确认违规"), _("日报")])
    for _title, sections in _sections(view):
        for section in sections:
            xlsx_append(
                work,
                [
                    section.name or _("全品牌"),
                    _plain(section.work.get("tasks_done")),
                    _plain(section.work.get("tasks_assigned")),
                    _plain(section.work.get("follow_ups")),
                    section.violations.get("new", 0),
                    section.violations.get("confirmed", 0),
                    "" if section.log_filed is None else (_("已交") if section.log_filed else _("未交")),
                ],
            )
    if view.violations:
        sheet = book.create_sheet(_("违规"))
        xlsx_append(sheet, [_("导购"), _("类别"), _("状态"), _("命中内容")])
        for v in view.violations:
            xlsx_append(sheet, [v.rep, v.category, v.status, v.matched])
    for sheet in book.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_figures(sheet, row: list, currency: str) -> None:
    numbers = [cell.xlsx(currency) if isinstance(cell, Cell) else (cell, None) for cell in row]
    xlsx_append(sheet, [value for value, _format in numbers])
    for cell, (_value, number_format) in zip(sheet[sheet.max_row], numbers, strict=True):
        if number_format:
            cell.number_format = number_format


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
        Paragraph(f"{escape(brand_name)} · {_('数据日报')} {view.day.isoformat()}", title),
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
        rows = [_headers()] + [_texts(row, currency) for section in sections for row in _rows(section)]
        story.append(Table(rows, repeatRows=1, style=style))
    missing = view.brand.missing_logs if view.brand else [name for t in view.teams for name in t.missing_logs]
    if missing:
        names = "、".join(escape(name) for name in dict.fromkeys(missing))
        story += [Spacer(1, 4 * mm), Paragraph(_("未交日报：") + names, body)]
    if view.violations:
        story.append(Paragraph(_("违规"), heading))
        rows = [[_("导购"), _("类别"), _("状态"), _("命中内容")]]
        rows += [[v.rep, v.category, v.status, v.matched] for v in view.violations]
        story.append(Table(rows, repeatRows=1, style=style))
    document.build(story)
    return buffer.getvalue()
