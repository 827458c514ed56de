"""Writes on how KPIs are judged: custom metrics, tier thresholds and stage, stage weights."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.common.formatting import Unit
from apps.kpis import formula
from apps.kpis.catalogue import BUILT_IN
from apps.kpis.extensions import metric_used_elsewhere
from apps.kpis.models import CustomMetric, KpiSettings, StageWeight, Target
from apps.kpis.selectors.metrics import metrics_registry
from apps.kpis.selectors.targets import kpi_settings
from apps.organisation.roles import Role


def formula_check(text: str, *, code: str | None = None) -> set[str]:
    """The metric codes a formula uses; ValidationError if it is not a formula we can compute."""
    try:
        names = formula.names(text)
    except formula.FormulaError as error:
        raise ValidationError({"formula": str(error)}) from None
    registry = metrics_registry()
    unknown = sorted(name for name in names if name not in registry and name != code)
    if unknown:
        raise ValidationError({"formula": _("未知的指标代码：%(codes)s") % {"codes": ", ".join(unknown)}})
    if code and _reaches(code, names, registry):
        raise ValidationError({"formula": _("公式不能直接或间接引用指标自身。")})
    return names


def _reaches(code: str, names: set[str], registry) -> bool:
    stack, seen = list(names), set()
    while stack:
        name = stack.pop()
        if name == code:
            return True
        if name in seen or name not in registry or not registry[name].is_derived:
            continue
        seen.add(name)
        stack.extend(formula.names(registry[name].formula))
    return False


@transaction.atomic
def custom_metric_save(
    *,
    code: str,
    name: str,
    formula_text: str,
    unit: str = Unit.RATIO,
    lower_is_better: bool = False,
    metric: CustomMetric | None = None,
) -> CustomMetric:
    if code in BUILT_IN:
        raise ValidationError({"code": _("%(code)s 是内置指标的代码，请换一个。") % {"code": code}})
    if unit not in Unit.values:
        raise ValidationError({"unit": _("未知单位。")})
    formula_check(formula_text, code=code)
    metric = metric or CustomMetric()
    if metric.pk and metric.code != code and _in_use(metric.code):
        raise ValidationError({"code": _("指标已被目标或权重使用，代码不能再改。")})
    metric.code, metric.name, metric.formula = code, name.strip(), formula_text.strip()
    metric.unit, metric.lower_is_better = unit, lower_is_better
    metric.full_clean()
    metric.save()
    return metric


def _in_use(code: str) -> bool:
    used_by_formula = any(code in formula.names(m.formula) for m in CustomMetric.objects.exclude(code=code))
    return (
        used_by_formula
        or Target.objects.filter(metric=code).exists()
        or StageWeight.objects.filter(metric=code).exists()
        or metric_used_elsewhere(code)
    )


@transaction.atomic
def custom_metric_delete(*, metric: CustomMetric) -> None:
    if _in_use(metric.code):
        raise ValidationError(_("还有目标、权重、比赛或其他公式在用这个指标，请先移除。"))
    metric.delete()


@transaction.atomic
def kpi_settings_update(
    *,
    achieved_pct: Decimal,
    exceeded_pct: Decimal,
    stage: str,
    score_cap_pct: Decimal,
    future_tolerance_minutes: int | None = None,
) -> KpiSettings:
    settings = kpi_settings()
    if future_tolerance_minutes is not None:
        settings.future_tolerance_minutes = future_tolerance_minutes
    if exceeded_pct <= achieved_pct:
        raise ValidationError({"exceeded_pct": _("超额线必须高于达成线。")})
    settings.achieved_pct, settings.exceeded_pct = achieved_pct, exceeded_pct
    settings.stage, settings.score_cap_pct = stage, score_cap_pct
    settings.full_clean()
    settings.save()
    return settings


@transaction.atomic
def stage_weights_set(*, stage: str, role: str, weights: dict[str, Decimal]) -> None:
    """Replace the scorecard of one role at one stage: metric code → weight (0 removes it)."""
    if stage not in KpiSettings.Stage.values or role not in Role.values:
        raise ValidationError(_("未知的阶段或角色。"))
    registry = metrics_registry()
    unknown = sorted(code for code in weights if code not in registry)
    if unknown:
        raise ValidationError({"weights": _("未知的指标代码：%(codes)s") % {"codes": ", ".join(unknown)}})
    if any(weight < 0 for weight in weights.values()):
        raise ValidationError({"weights": _("权重不能为负数。")})
    StageWeight.objects.filter(stage=stage, role=role).delete()
    StageWeight.objects.bulk_create(
        StageWeight(stage=stage, role=role, metric=code, weight=weight) for code, weight in weights.items() if weight
    )
