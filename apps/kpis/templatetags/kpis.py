from django import template
from django.utils.http import urlencode

from apps.common.formatting import Unit, achievement_text, change_text, format_value

register = template.Library()

TIER_CLASSES = {
    "exceeded": "tier-exceeded",
    "achieved": "tier-achieved",
    "not_achieved": "tier-missed",
    "test_phase": "tier-test",
}


def _currency(context) -> str:
    tenant = getattr(context.get("request"), "tenant", None)
    return getattr(tenant, "currency", "CNY")


@register.simple_tag(takes_context=True)
def kpi_value(context, value, metric):
    """A metric's value as people read it, in the brand's currency."""
    return format_value(value, metric.unit, _currency(context))


@register.simple_tag(takes_context=True)
def money(context, value):
    """An amount (an order, a customer's total, a cost) as every figure of money reads."""
    return format_value(value, Unit.MONEY, _currency(context))


@register.simple_tag
def kpi_change(change, metric):
    """A change (环比, 同比) as people read it: in % for counts and money, in points for rates."""
    return change_text(change, metric.unit)


@register.filter
def tier_class(tier) -> str:
    return TIER_CLASSES.get(tier, "tier-none")


@register.filter
def pct(value, places: int = 1) -> str:
    return achievement_text(value, places)


@register.filter
def bar_width(rate) -> int:
    """Width of an achievement bar, in % of its track (which stands for 150%)."""
    return 0 if rate is None else max(0, min(100, round(float(rate) / 1.5)))


@register.simple_tag(takes_context=True)
def with_period(context, target, **overrides) -> str:
    """The current URL's query string for another period, keeping the other filters."""
    params = {k: v for k, v in context["request"].GET.items() if k not in ("period", "date", "start", "end", "page")}
    params.update(target.as_params())
    params.update({k: v for k, v in overrides.items() if v is not None})
    return "?" + urlencode(params)


@register.filter
def get_value(mapping, key):
    return mapping.get(key) if mapping else None
