"""Campaigns read as the activity planner's four-level tree (DOMAIN.md):

L1 the campaign's KPI achievement → L2 its actual GMV → L3 GMV = users × conversion × AOV →
L4 each factor along the user journey (leads → adds → connections → buyers → referrals).
Figures are over the campaign's own dates, from events tagged with its code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Max, Min, QuerySet

from apps.common.periods import MAX_CUSTOM_DAYS, Period
from apps.kpis.catalogue import BUILT_IN
from apps.kpis.models import Campaign, DailyRollup
from apps.kpis.selectors.metrics import Scope, metric_table, metric_values, metrics_registry
from apps.kpis.selectors.targets import Figure, achievement, kpi_settings, tier_for

ROW_METRICS = ["gmv", "orders", "fans_added", "new_customers", "paying_customers", "cost", "roi", "cac", "aov"]
FUNNEL = [  # (stage metric, rate from the previous stage)
    ("leads", None),
    ("fans_added", "pass_through_rate"),
    ("connections", "service_success_rate"),
    ("paying_customers", "monetization_rate"),
    ("referrals", "referral_rate"),
]


def campaign_spans(campaigns: list[Campaign]) -> dict[int, Period]:
    """Each campaign's dates, widened to every day its tagged events fall on (pre-sales, late
    orders): the span its figures are read over, on the list and on its own page alike."""
    firsts: dict[int, list[date]] = {c.pk: [c.starts_on] for c in campaigns}
    lasts: dict[int, list[date]] = {c.pk: [c.ends_on] for c in campaigns}
    tagged = DailyRollup.objects.filter(campaign__in=campaigns).values("campaign").annotate(a=Min("day"), b=Max("day"))
    for row in tagged:
        firsts[row["campaign"]].append(row["a"])
        lasts[row["campaign"]].append(row["b"])
    spans = {}
    for pk in firsts:
        start, end = min(firsts[pk]), max(lasts[pk])
        spans[pk] = Period.custom(start, min(end, start + timedelta(days=MAX_CUSTOM_DAYS - 1)))
    return spans


def campaign_period(campaign: Campaign) -> Period:
    return campaign_spans([campaign])[campaign.pk]


def gmv_figure(campaign: Campaign, gmv: Decimal | None, settings=None) -> Figure:
    """L1: the campaign's GMV against its own GMV target."""
    rate = achievement(BUILT_IN["gmv"], gmv, campaign.target_gmv)
    return Figure(BUILT_IN["gmv"], gmv, campaign.target_gmv, rate, tier_for(rate, settings or kpi_settings()))


@dataclass
class CampaignRow:
    campaign: Campaign
    l1: Figure
    values: dict


def campaigns_running(period: Period) -> QuerySet:
    return Campaign.objects.filter(starts_on__lte=period.end, ends_on__gte=period.start).select_related("owner")


def campaign_rows(campaigns: list[Campaign]) -> list[CampaignRow]:
    """Each campaign's figures over its own span, as its page shows them. Campaigns sharing a span
    share one grouped read; a wider shared one would not do: its new customers are those who joined
    within its span, and a customer it won over may have joined in another's."""
    if not campaigns:
        return []
    by_span: dict[Period, list[int]] = {}
    for pk, span in campaign_spans(campaigns).items():
        by_span.setdefault(span, []).append(pk)
    table: dict = {}
    for span, keys in by_span.items():
        table |= metric_table(ROW_METRICS, Scope.brand(), span, group="campaign", keys=keys)
    settings = kpi_settings()
    return [CampaignRow(c, gmv_figure(c, table[c.pk]["gmv"], settings), table[c.pk]) for c in campaigns]


@dataclass
class FunnelStep:
    code: str
    name: str
    value: Decimal | None
    rate_name: str | None
    rate: Decimal | None


@dataclass
class CampaignTree:
    campaign: Campaign
    period: Period
    l1: Figure
    values: dict  # every figure the tree shows, by metric code
    funnel: list[FunnelStep]

    @property
    def l3_check(self) -> Decimal | None:
        """users × conversion × AOV, which equals GMV by construction: shown so it can be seen to."""
        users, conversion, aov = (self.values.get(c) for c in ("fans_added", "order_conversion", "aov"))
        if users is None or conversion is None or aov is None:
            return None
        return users * conversion / 100 * aov


def campaign_tree(campaign: Campaign) -> CampaignTree:
    period = campaign_period(campaign)
    registry = metrics_registry()
    codes = [
        "gmv",
        "fans_added",
        "order_conversion",
        "aov",
        "orders",
        "cost",
        "roi",
        "roi_long",
        "cac",
        "ltv",
        "new_customers",
        "repurchase_rate",
    ]
    for stage, rate in FUNNEL:
        codes += [stage, rate] if rate else [stage]
    values = metric_values(codes, Scope(campaign_id=campaign.pk), period, registry=registry)
    funnel = [
        FunnelStep(
            stage,
            str(registry[stage].name),
            values[stage],
            str(registry[rate].name) if rate else None,
            values.get(rate) if rate else None,
        )
        for stage, rate in FUNNEL
    ]
    return CampaignTree(campaign, period, gmv_figure(campaign, values["gmv"]), values, funnel)


def campaign_breakdown(campaign: Campaign, group: str, codes: list[str]) -> dict:
    """ROI and results of one campaign per channel or per employee."""
    return metric_table(codes, Scope(campaign_id=campaign.pk), campaign_period(campaign), group=group)
