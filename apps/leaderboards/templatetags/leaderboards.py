from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from apps.common.formatting import DASH, Unit, format_value
from apps.leaderboards import selectors
from apps.leaderboards.prizes import TIER_LABELS

register = template.Library()


@register.filter
def medal(rank) -> str:
    """A gold, silver or bronze disc for the podium, the number otherwise, "—" below the
    qualifying line (discs, not emoji: a wall display may have no emoji font)."""
    if rank is None:
        return DASH
    if rank <= 3:
        return format_html('<span class="medal medal-{}">{}</span>', rank, rank)
    return str(rank)


@register.simple_tag(takes_context=True)
def board_value(context, value, metric, per_capita=False):
    """A value as the metric reads it; a per-head count keeps a decimal (11.4 fans a head)."""
    if per_capita and metric.unit == Unit.COUNT and value is not None:
        return f"{value:,.1f}"
    tenant = getattr(context.get("request"), "tenant", None)
    return format_value(value, metric.unit, getattr(tenant, "currency", "CNY"))


@register.filter
def tier_label(tier) -> str:
    return str(TIER_LABELS.get(tier, ""))


@register.simple_tag
def drill_url(page, row) -> str:
    """The KPI board behind a row, over the board's period."""
    name = "kpis:team" if page.board.by_team else "kpis:person"
    period = page.board.period
    params = {"period": "custom", "start": period.start.isoformat(), "end": period.end.isoformat()}
    return f"{reverse(name, args=[row.subject_id])}?{urlencode(params)}"


@register.inclusion_tag("leaderboards/_medals.html")
def medals(person):
    return {"standings": selectors.medals_of(person)}
