"""Targets, achievement and tiers (未达成 / 达成 / 超额达成), and role scorecards.

A target belongs to a person, a team or the brand (neither), for a month or a quarter. For a
period that is not exactly that month or quarter, a flow metric's target (GMV, adds …) is spread
over the days the period covers; a stock or a rate (pool size, conversion) keeps its value.
A team or the brand without a target of its own is given the sum of its reps' targets for flow
metrics, but only when every one of its reps has one (a single rep's target is not the team's);
a figure says which it is (`target_source`). A miss on a test-phase target reads 测试期: it
rewards and never punishes. Lower-is-better metrics are judged in reverse: achievement = 2 − actual / target.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.utils.translation import gettext_lazy as _

from apps.common.formatting import Label
from apps.common.periods import Period, add_months, month_start, quarter_start
from apps.common.request_memo import per_request
from apps.kpis.catalogue import BRAND_WIDE_ROLES, Metric
from apps.kpis.models import KpiSettings, StageWeight, Target
from apps.kpis.selectors.metrics import Scope, metric_values, metrics_registry
from apps.organisation.roles import Role
from apps.organisation.selectors import active_rep_ids

HUNDRED = Decimal(100)


class Tier:
    NOT_ACHIEVED = "not_achieved"
    ACHIEVED = "achieved"
    EXCEEDED = "exceeded"
    TEST_PHASE = "test_phase"  # below target on a test-phase target: not a miss
    LABELS = {NOT_ACHIEVED: _("未达成"), ACHIEVED: _("达成"), EXCEEDED: _("超额达成"), TEST_PHASE: _("测试期")}


class TargetSource:
    OWN = "own"  # set on the subject itself
    MEMBERS = "members"  # the sum of every rep's target
    LABELS = {OWN: _("本身的目标"), MEMBERS: _("成员目标合计")}


@per_request
def kpi_settings() -> KpiSettings:
    return KpiSettings.objects.get(pk=1)  # made with the brand (a data migration in the template)


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
    target_source: str | None = None

    @property
    def tier_label(self):
        return Tier.LABELS.get(self.tier, "")

    @property
    def target_source_label(self):
        return TargetSource.LABELS.get(self.target_source or "", "")

    @property
    def counts_against(self) -> bool:
        """A test-phase target rewards but does not punish."""
        return self.tier != Tier.TEST_PHASE


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


class TargetValue(NamedTuple):
    value: Decimal | None
    test_phase: bool = False
    source: str | None = None


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
        self._rep_ids: frozenset[int] | None = None  # read when a team's target is asked for
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

    def target(self, metric: Metric, subject: Subject, member_ids=None) -> TargetValue:
        value, test_phase = self._value(metric, self._by_subject.get((subject, metric.code), []))
        if value is not None:
            return TargetValue(value, test_phase, TargetSource.OWN)
        if subject.kind == "person" or not metric.flow:
            return TargetValue(None)
        people = self._people_by_metric.get(metric.code, {})
        reps = self._reps() if subject.kind == "brand" else self._reps() & set(member_ids or ())
        if not reps or not reps <= people.keys():
            return TargetValue(None)  # some rep has none: the sum would not be the team's
        parts = [self._value(metric, people[pk]) for pk in reps]
        total = sum((v for v, _tp in parts if v is not None), Decimal(0))
        return TargetValue(total, any(tp for _v, tp in parts), TargetSource.MEMBERS)

    def _reps(self) -> frozenset[int]:
        if self._rep_ids is None:
            self._rep_ids = active_rep_ids()
        return self._rep_ids


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
        target, test_phase, source = book.target(metric, subject, scope.member_ids)
        pace_target = None
        if target is not None and metric.flow and book.pace is not None:
            pace_target = (target * book.pace).quantize(Decimal("0.01"))
        rate = achievement(metric, values.get(code), pace_target if pace_target is not None else target)
        tier = tier_for(rate, settings)
        if test_phase and tier == Tier.NOT_ACHIEVED:
            tier = Tier.TEST_PHASE
        result.append(Figure(metric, values.get(code), target, rate, tier, test_phase, pace_target, source))
    return result


# --- scorecards -----------------------------------------------------------------------------


@dataclass
class ScoreLine:
    figure: Figure
    weight: Decimal
    counted_rate: Decimal | None = None  # achievement, capped; None when the KPI does not count
    points: Decimal | None = None  # its part of the score: weight share × counted rate


@dataclass
class Scorecard:
    """The score is the weighted average of each KPI's achievement, each capped at the brand's
    cap: 100 when every KPI is exactly on target. A line's points are its part of that average,
    so the lines add up to the score."""

    role: str
    stage: str
    cap: Decimal = HUNDRED
    lines: list[ScoreLine] = field(default_factory=list)

    @property
    def role_label(self) -> Label:
        return Role(self.role).label

    @property
    def score(self) -> Decimal | None:
        counted = [line.points for line in self.lines if line.points is not None]
        return sum(counted, Decimal(0)) if counted else None


def scorecard(*, person, role: str, period: Period, registry=None, settings=None, today=None) -> Scorecard:
    settings = settings or kpi_settings()
    weights = {w.metric: w.weight for w in StageWeight.objects.filter(stage=settings.stage, role=role)}
    card = Scorecard(role=role, stage=settings.stage, cap=settings.score_cap_pct)
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
        counted = None
        if figure.rate is not None and figure.counts_against and weights[figure.metric.code] > 0:
            counted = min(figure.rate, settings.score_cap_pct)
        card.lines.append(ScoreLine(figure, weights[figure.metric.code], counted))
    total = sum((line.weight for line in card.lines if line.counted_rate is not None), Decimal(0))
    for line in card.lines:
        if line.counted_rate is not None:
            line.points = line.weight / total * line.counted_rate
    return card


def period_for_target(kind: str, start: date) -> Period:
    return Period.of("month" if kind == Target.PeriodKind.MONTH else "quarter", start)


def normalise_period_start(kind: str, day: date) -> date:
    return month_start(day) if kind == Target.PeriodKind.MONTH else quarter_start(day)
