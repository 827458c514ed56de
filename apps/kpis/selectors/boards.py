"""Boards: what a KPI page shows — headline figures against targets (with the change on the
previous period), a daily trend, and the breakdown one level down (brand → regions → stores →
people), every row linking to its own board.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from apps.common.formatting import CURRENCY_SYMBOLS, Label, change_of, change_text
from apps.common.periods import Period
from apps.kpis.catalogue import Metric
from apps.kpis.selectors.focus import Focus
from apps.kpis.selectors.metrics import Buckets, Scope, metric_table, metric_values, metrics_registry
from apps.kpis.selectors.targets import Figure, Subject, figures, kpi_settings, target_book
from apps.organisation.access import Visibility
from apps.organisation.models import Membership, Team
from apps.organisation.selectors import member_ids_of_teams

User = get_user_model()


@dataclass
class Headline:
    """A figure with its change on the previous period (环比), compared like with like: while the
    period runs, its whole days so far (today, half lived, left out) meet as many first days of
    the previous period. Rates and ratios (conversion, ROI …) change in points, not in %."""

    figure: Figure
    previous: Decimal | None
    current: Decimal | None = None  # the figure over the days compared (its actual when the period is over)
    basis: Period | None = None  # the previous period's days compared with

    @property
    def change(self) -> Decimal | None:
        return None if self.basis is None else change_of(self.current, self.previous, self.figure.metric.unit)

    @property
    def change_text(self) -> str:
        return change_text(self.change, self.figure.metric.unit)

    @property
    def improved(self) -> bool | None:
        change = self.change
        if change is None or change == 0:
            return None
        return (change > 0) != self.figure.metric.lower_is_better


@dataclass
class Chart:
    """Data for one ECharts chart: x labels and named series (None where there is no value)."""

    id: str
    title: Label
    x: list[str]
    series: list[dict]
    kind: str = "line"
    partial: int | None = None  # the index of today, whose figures are still coming in

    def as_json(self, currency: str = "CNY") -> dict:
        return {
            "id": self.id,
            "dom_id": f"chart-{self.id}",
            "title": str(self.title),
            "kind": self.kind,
            "x": self.x,
            "series": self.series,
            "currency": CURRENCY_SYMBOLS.get(currency, currency),
            "partial": self.partial,
            "partial_label": str(_("今天 · 进行中")),
        }


@dataclass
class Row:
    label: str
    url: str | None
    cells: list[Figure]
    note: str = ""


@dataclass
class Breakdown:
    title: Label
    metrics: list[Metric]
    rows: list[Row] = field(default_factory=list)


def _float(value: Decimal | None) -> float | None:
    return None if value is None else round(float(value), 2)


def trend_period(period: Period) -> Period:
    """A day alone makes no trend: show the two weeks up to it."""
    return period if period.days >= 7 else Period.custom(period.end - timedelta(days=13), period.end)


def trend_chart(chart_id: str, title, codes: list[str], scope: Scope, period: Period, registry, today) -> Chart:
    """Each metric per day; days still to come have no value (no line), not zero."""
    span = trend_period(period)
    table = metric_table(codes, scope, span, group="day", registry=registry)
    days = list(span.each_day())
    series = [
        {
            "name": str(registry[code].name),
            "unit": registry[code].unit,
            "data": [None if day > today else _float(table.get(day, {}).get(code)) for day in days],
        }
        for code in codes
    ]
    partial = days.index(today) if today in days else None
    return Chart(chart_id, title, [day.strftime("%m-%d") for day in days], series, partial=partial)


def headlines(codes: list[str], focus: Focus, period: Period, today, registry=None, settings=None) -> list[Headline]:
    registry = registry or metrics_registry()
    current = figures(
        codes,
        subject=focus.subject,
        scope=focus.scope,
        period=period,
        registry=registry,
        settings=settings,
        today=today,
    )
    compared = comparable_pair(period, today)
    if compared is None:
        return [Headline(figure, None) for figure in current]
    now, basis = compared
    now_values = (
        {f.metric.code: f.actual for f in current}
        if now == period
        else metric_values(codes, focus.scope, now, registry=registry)
    )
    before = metric_values(codes, focus.scope, basis, registry=registry)
    return [
        Headline(figure, before.get(figure.metric.code), now_values.get(figure.metric.code), basis)
        for figure in current
    ]


def comparable_pair(period: Period, today) -> tuple[Period, Period] | None:
    """The days of this period and of the previous one that 环比 compares: the whole periods once
    this one is over; while it runs, its whole days so far and as many first days of the previous
    one (today is half lived: left out). None when no whole day has passed yet."""
    previous = period.shifted(-1)
    elapsed = period.elapsed_days(today)
    if elapsed <= 0:
        return None
    if period.end < today:
        return period, previous
    whole = elapsed - 1
    if whole <= 0:
        return None
    return (
        Period.custom(period.start, period.start + timedelta(days=whole - 1)),
        Period.custom(previous.start, min(previous.end, previous.start + timedelta(days=whole - 1))),
    )


def period_query(period: Period, **extra) -> str:
    return "?" + urlencode({**period.as_params(), **{k: v for k, v in extra.items() if v is not None}})


def team_url(team_id: int, period: Period) -> str:
    return reverse("kpis:team", args=[team_id]) + period_query(period)


def person_url(person_id: int, period: Period) -> str:
    return reverse("kpis:person", args=[person_id]) + period_query(period)


def breakdown(
    focus: Focus, period: Period, codes: list[str], visibility: Visibility, today, registry=None, settings=None
) -> Breakdown | None:
    """One level down from the focus: the brand's top teams, a region's teams, a store's people."""
    registry = registry or metrics_registry()
    settings = settings or kpi_settings()
    metrics = [registry[code] for code in codes]
    if focus.member is not None:
        return None
    book = target_book(period, today)
    if focus.team is None or focus.team.kind == Team.Kind.REGION:
        parent_id = focus.team.pk if focus.team else None
        teams = [t for t in Team.objects.filter(parent_id=parent_id).order_by("name") if visibility.sees_team(t.pk)]
        if teams:
            return _team_rows(teams, focus, period, metrics, codes, book, registry, settings)
    team_ids = [focus.team.pk] if focus.team else []
    return _people_rows(team_ids, focus, period, metrics, codes, book, visibility, registry, settings)


def _team_rows(teams, focus, period, metrics, codes, book, registry, settings) -> Breakdown:
    members = {team.pk: member_ids_of_teams([team.pk]) for team in teams}
    table = metric_table(codes, focus.scope, period, group=Buckets.of(members), keys=list(members), registry=registry)
    rows = []
    for team in teams:
        scope = Scope(member_ids=frozenset(members[team.pk]))
        cells = figures(
            codes,
            subject=Subject("team", team.pk),
            scope=scope,
            period=period,
            values=table[team.pk],
            book=book,
            registry=registry,
            settings=settings,
        )
        rows.append(Row(team.name, team_url(team.pk, period), cells, team.get_kind_display()))
    title = _("各大区 / 门店") if focus.team is None else _("下属门店与小组")
    return Breakdown(title, metrics, rows)


def _people_rows(team_ids, focus, period, metrics, codes, book, visibility, registry, settings) -> Breakdown:
    if team_ids:
        people_ids = Membership.objects.filter(team_id__in=team_ids).values_list("person_id", flat=True)
        candidates = User.objects.filter(pk__in=people_ids)
    else:
        candidates = User.objects.filter(is_active=True)
    people = [p for p in candidates.order_by("-is_active", "name_sort") if visibility.sees_member(p.pk)]
    table = metric_table(codes, focus.scope, period, group="member", keys=[p.pk for p in people], registry=registry)
    rows = []
    for person in people:
        cells = figures(
            codes,
            subject=Subject("person", person.pk),
            scope=Scope.member(person.pk),
            period=period,
            values=table[person.pk],
            book=book,
            registry=registry,
            settings=settings,
        )
        note = "" if person.is_active else str(_("已停用"))
        rows.append(Row(person.full_name, person_url(person.pk, period), cells, note))
    return Breakdown(_("成员"), metrics, rows)
