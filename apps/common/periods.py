"""Periods of brand-local days: day, ISO week, month, quarter, or a custom range.

Every figure is asked for a Period; "today" is the brand's today (its time zone), never the
server's.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

KINDS = ("day", "week", "month", "quarter", "custom")
MAX_CUSTOM_DAYS = 366


class PeriodError(ValueError):
    pass


def brand_today(time_zone: str) -> date:
    return datetime.now(ZoneInfo(time_zone)).date()


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date  # inclusive

    @classmethod
    def of(cls, kind: str, anchor: date) -> Period:
        if kind == "day":
            return cls("day", anchor, anchor)
        if kind == "week":
            start = anchor - timedelta(days=anchor.weekday())
            return cls("week", start, start + timedelta(days=6))
        if kind == "month":
            return cls("month", month_start(anchor), month_end(anchor))
        if kind == "quarter":
            start = quarter_start(anchor)
            return cls("quarter", start, add_months(start, 3) - timedelta(days=1))
        raise PeriodError(_("未知的周期类型：%(kind)s") % {"kind": kind})

    @classmethod
    def custom(cls, start: date, end: date) -> Period:
        if end < start:
            raise PeriodError(_("结束日期不能早于开始日期。"))
        if (end - start).days >= MAX_CUSTOM_DAYS:
            raise PeriodError(_("自定义区间最长 %(days)d 天。") % {"days": MAX_CUSTOM_DAYS})
        return cls("custom", start, end)

    @classmethod
    def from_params(cls, params, today: date, default_kind: str = "month") -> Period:
        """From a query string: ?period=week&date=2026-11-25 or ?period=custom&start=…&end=…"""
        kind = params.get("period") or default_kind
        try:
            if kind == "custom":
                start, end = date.fromisoformat(params.get("start", "")), date.fromisoformat(params.get("end", ""))
            else:
                anchor = date.fromisoformat(params["date"]) if params.get("date") else today
        except ValueError:
            raise PeriodError(_("日期格式应为 YYYY-MM-DD。")) from None
        return cls.custom(start, end) if kind == "custom" else cls.of(kind, anchor)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def each_day(self):
        for offset in range(self.days):
            yield self.start + timedelta(days=offset)

    def shifted(self, steps: int) -> Period:
        """The same kind of period, `steps` periods later (negative: earlier)."""
        if self.kind == "custom":
            delta = timedelta(days=self.days * steps)
            return Period("custom", self.start + delta, self.end + delta)
        if self.kind in ("day", "week"):
            return Period.of(self.kind, self.start + timedelta(days=(1 if self.kind == "day" else 7) * steps))
        return Period.of(self.kind, add_months(self.start, steps * (1 if self.kind == "month" else 3)))

    def elapsed_days(self, today: date) -> int:
        """Days of the period already lived through (today included)."""
        if today < self.start:
            return 0
        return min(self.days, (today - self.start).days + 1)

    def months(self) -> list[date]:
        """First day of each calendar month the period touches."""
        months, month = [], month_start(self.start)
        while month <= self.end:
            months.append(month)
            month = add_months(month, 1)
        return months

    def as_params(self) -> dict[str, str]:
        if self.kind == "custom":
            return {"period": "custom", "start": self.start.isoformat(), "end": self.end.isoformat()}
        return {"period": self.kind, "date": self.start.isoformat()}

    @property
    def label(self) -> str:
        if self.kind == "day":
            return self.start.isoformat()
        if self.kind == "week":
            year, week, _weekday = self.start.isocalendar()
            return _("%(year)d 年第 %(week)d 周（%(start)s – %(end)s）") % {
                "year": year,
                "week": week,
                "start": self.start.strftime("%m-%d"),
                "end": self.end.strftime("%m-%d"),
            }
        if self.kind == "month":
            return _("%(year)d 年 %(month)d 月") % {"year": self.start.year, "month": self.start.month}
        if self.kind == "quarter":
            return _("%(year)d 年第 %(quarter)d 季度") % {
                "year": self.start.year,
                "quarter": (self.start.month - 1) // 3 + 1,
            }
        return f"{self.start.isoformat()} – {self.end.isoformat()}"
