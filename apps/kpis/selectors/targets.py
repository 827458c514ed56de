"""Targets, achievement and tiers (未达成 / 达成 / 超额达成), and role scorecards.

A target belongs to a person, a team or the brand (neither), for a month or a quarter. For a
period that is not exactly that month or quarter, a flow metric's target (GMV, adds …) is spread
over the days the period covers; a stock or a rate (pool size, conversion) keeps its value.
A team or the brand without a target of its own is given the sum of its people's targets for
flow metrics. Lower-is-better metrics are judged in reverse: achievement = 2 − actual / target.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.utils.translation import gettext_lazy as _

from apps.common.request_memo import per_request
from apps.kpis.catalogue import BRAND_WIDE_ROLES, Metric
from apps.kpis.models import KpiSettings, StageWeight, Target
from apps.kpis.periods import Period, add_months, month_start, quarter_start
from apps.kpis.selectors.metrics import Scope, metric_values, metrics_registry
from apps.organisation.roles import Role

HUNDRED = Decimal(100)


class Tier:
    NOT_ACHIEVED = "not_achieved"
    ACHIEVED = "achieved"
    EXCEEDED = "exceeded"
    LABELS = {NOT_ACHIEVED: _("未达成"), ACHIEVED: _("达成"), EXCEEDED: _("超额达成")}


@per_request
def kpi_settings() -> KpiSettings:
    settings, _created = KpiSettings.objects.get_or_create(pk=1)
    return settings


@dataclass(frozen=True)
class Subject:
    """Whose target: ("person", id), ("team", id) or ("brand", None)."""

    kind: str
    pk: int | None = None

    @classmethod
    def brand(cls) -> Subject:
        return cls("brand")


@dataclass
class Figure:
    metric: Metric
    actual: Decimal | None
    target: Decimal | None = None
    rate: Decimal | None = None  # achievement in %, direction-aware
    tier: str | None = None
    test_phase: bool = False
    # While the period runs, a flow is judged against the share of its target due by today.
    pace_target: Decimal | None = None

    @property
    def tier_label(self):
        return Tier.LABELS.get(self.tier, "")

    @property
    def counts_against(self) -> bool:
        """A test-phase target rewards but does not punish."""
        return not (self.test_phase and self.tier == Tier.NOT_ACHIEVED)


def achievement(metric: Metric, actual: Decimal | None, target: Decimal | None) -> Decimal | None:
    if actual is None or target is None:
        return None
    if metric.lower_is_better:
        if target == 0:
            return HUNDRED if actual == 0 else Decimal(0)
        return max(Decimal(0), (2 - actual / target) * HUNDRED)
    if target == 0:
        return None
    return actual / target * HUNDRED


def tier_for(rate: Decimal | None, settings: KpiSettings) -> str | None:
    if rate is None:
        return None
    if rate >= settings.exceeded_pct:
        return Tier.EXCEEDED
    if rate >= settings.achieved_pct:
        return Tier.ACHIEVED
    return Tier.NOT_ACHIEVED


class TargetRow(NamedTuple):
    metric: str
    person_id: int | None
    team_id: int | None
    period_kind: str
    period_start: date
    value: Decimal
    test_phase: bool


class TargetBook:
    """Every target touching a period, loaded once; answers for any subject and metric."""

    def __init__(self, period: Period, metrics: list[str] | None = None, today: date | None = None):
        self.period = period
        # Share of the period lived through, when it is still running (None: judge on the whole target).
        elapsed = period.elapsed_days(today) if today else period.days
        self.pace = Decimal(elapsed) / period.days if 0 < elapsed < period.days else None
        months = period.months()
        quarters = sorted({quarter_start(m) for m in months})
        targets = Target.objects.filter(
            period_kind=Target.PeriodKind.MONTH, period_start__in=months
        ) | Target.objects.filter(period_kind=Target.PeriodKind.QUARTER, period_start__in=quarters)
        if metrics is not None:
            targets = targets.filter(metric__in=metrics)
        self._by_subject: dict[tuple, list[TargetRow]] = defaultdict(list)
        self._people_by_metric: dict[str, dict[int, list[TargetRow]]] = defaultdict(lambda: defaultdict(list))
        # Plain rows, not model instances: a page reads hundreds of targets.
        for target in map(TargetRow._make, targets.values_list(*TargetRow._fields)):
            subject = (
                Subject("person", target.person_id)
                if target.person_id
                else (Subject("team", target.team_id) if target.team_id else Subject.brand())
            )
            self._by_subject[(subject, target.metric)].append(target)
            if target.person_id:
                self._people_by_metric[target.metric][target.person_id].append(target)

    def _value(self, metric: Metric, targets: list[TargetRow]) -> tuple[Decimal | None, bool]:
        if not targets:
            return None, False
        kind = Target.PeriodKind
        month_targets = [t for t in targets if t.period_kind == kind.MONTH]
        exact = [
            t
            for t in targets
            if t.period_start == self.period.start
            and (
                (t.period_kind == kind.MONTH and self.period.kind == "month")
                or (t.period_kind == kind.QUARTER and self.period.kind == "quarter")
            )
        ]
        if exact:
            return exact[0].value, exact[0].test_phase
        chosen = month_targets or [t for t in targets if t.period_kind == kind.QUARTER]
        test_phase = any(t.test_phase for t in chosen)
        if not metric.flow:  # the latest target in force by the period's end
            started = [t for t in chosen if t.period_start <= self.period.end] or chosen
            latest = max(started, key=lambda t: t.period_start)
            return latest.value, latest.test_phase
        total = Decimal(0)
        for target in chosen:
            start = target.period_start
            end = add_months(start, 1 if target.period_kind == kind.MONTH else 3)
            overlap = (min(end, self.period.end + timedelta(days=1)) - max(start, self.period.start)).days
            if overlap > 0:
                total += target.value * overlap / (end - start).days
        return total.quantize(Decimal("0.01")), test_phase

    def target(self, metric: Metric, subject: Subject, member_ids=None) -> tuple[Decimal | None, bool]:
        value, test_phase = self._value(metric, self._by_subject.get((subject, metric.code), []))
        if value is None and subject.kind != "person" and metric.flow:
            people = self._people_by_metric.get(metric.code, {})
            ids = people.keys() if subject.kind == "brand" else (member_ids or ())
            parts = [self._value(metric, people[pk]) for pk in ids if pk in people]
            if parts:
                value = sum((v for v, _tp in parts), Decimal(0))
                test_phase = any(tp for _v, tp in parts)
        return value, test_phase


@per_request
def target_book(period: Period, today: date | None) -> TargetBook:
    """Every target touching the period, all metrics: shared by the parts of one page."""
    return TargetBook(period, today=today)


def figures(
    codes: list[str],
    *,
    subject: Subject,
    scope: Scope,
    period: Period,
    values: dict | None = None,
    book: TargetBook | None = None,
    registry=None,
    settings: KpiSettings | None = None,
    today: date | None = None,
) -> list[Figure]:
    """Actual, target, achievement and tier for each metric of one subject.

    With `today` inside the period, flows are judged against the target's share due so far.
    """
    registry = registry or metrics_registry()
    settings = settings or kpi_settings()
    codes = [code for code in codes if code in registry]
    values = values if values is not None else metric_values(codes, scope, period, registry=registry)
    book = book or target_book(period, today)
    result = []
    for code in codes:
        metric = registry[code]
        target, test_phase = book.target(metric, subject, scope.member_ids)
        pace_target = None
        if target is not None and metric.flow and book.pace is not None:
            pace_target = (target * book.pace).quantize(Decimal("0.01"))
        rate = achievement(metric, values.get(code), pace_target if pace_target is not None else target)
        result.append(Figure(metric, values.get(code), target, rate, tier_for(rate, settings), test_phase, pace_target))
    return result


# --- scorecards -----------------------------------------------------------------------------


@dataclass
class ScoreLine:
    figure: Figure
    weight: Decimal
    points: Decimal | None  # weight × capped achievement, or None when not counted


@dataclass
class Scorecard:
    role: str
    stage: str
    lines: list[ScoreLine] = field(default_factory=list)

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    @property
    def score(self) -> Decimal | None:
        """Weighted achievement in %, over the KPIs that have a target and count."""
        counted = [line for line in self.lines if line.points is not None]
        weight = sum((line.weight for line in counted), Decimal(0))
        if not weight:
            return None
        return sum((line.points for line in counted), Decimal(0)) / weight


def scorecard(*, person, role: str, period: Period, registry=None, settings=None, today=None) -> Scorecard:
    settings = settings or kpi_settings()
    weights = {w.metric: w.weight for w in StageWeight.objects.filter(stage=settings.stage, role=role)}
    card = Scorecard(role=role, stage=settings.stage)
    if not weights:
        return card
    scope = Scope.brand() if role in BRAND_WIDE_ROLES else Scope.member(person.pk)
    for figure in figures(
        list(weights),
        subject=Subject("person", person.pk),
        scope=scope,
        period=period,
        registry=registry,
        settings=settings,
        today=today,
    ):
        points = None
        if figure.rate is not None and figure.counts_against:
            points = weights[figure.metric.code] * min(figure.rate, settings.score_cap_pct)
        card.lines.append(ScoreLine(figure, weights[figure.metric.code], points))
    return card


def period_for_target(kind: str, start: date) -> Period:
    return Period.of("month" if kind == Target.PeriodKind.MONTH else "quarter", start)


def normalise_period_start(kind: str, day: date) -> date:
    return month_start(day) if kind == Target.PeriodKind.MONTH else quarter_start(day)
