"""What each role's home page shows, composed from the KPI app's selectors."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

from apps.common.formatting import Label
from apps.common.periods import Period
from apps.compliance.models import Violation
from apps.compliance.selectors import violations_visible
from apps.kpis.catalogue import ROLE_KPIS, TEAM_COLUMNS, Channel
from apps.kpis.models import Campaign, Event, ImportJob, Target
from apps.kpis.selectors import campaigns as campaign_selectors
from apps.kpis.selectors import customers as customer_selectors
from apps.kpis.selectors.boards import Breakdown, Chart, Headline, breakdown, headlines, trend_chart
from apps.kpis.selectors.focus import Focus
from apps.kpis.selectors.metrics import Scope, metric_table, metrics_registry
from apps.kpis.selectors.targets import Scorecard, Subject, kpi_settings, scorecard
from apps.leaderboards.selectors import competitions_of
from apps.organisation.access import visibility_of
from apps.organisation.models import ApiKey, Team
from apps.organisation.roles import Role
from apps.tenants.selectors import current_brand

CHANNEL_COLUMNS = ["fans_total", "fans_added", "fans_deleted", "retention_rate", "gmv", "paying_customers", "roi"]
PRODUCT_COLUMNS = ["task_execution_rate", "data_completeness", "follow_ups", "moments_posts", "active_members"]


@dataclass
class Home:
    headlines: list[Headline]
    charts: list[Chart] = field(default_factory=list)
    breakdown: Breakdown | None = None
    extra: dict = field(default_factory=dict)


def _brand_focus(subject: Subject | None = None) -> Focus:
    return Focus(Scope.brand(), subject or Subject.brand(), str(_("全品牌")))


def _own_focus(user) -> Focus:
    return Focus(Scope.member(user.pk), Subject("person", user.pk), user.full_name, member=user)


def ops_home(user, period: Period, today: date) -> Home:
    """The whole pool: totals across channels, retention per channel, GMV, ROI short and long."""
    registry, settings = metrics_registry(), kpi_settings()
    focus = _brand_focus()
    channels = metric_table(CHANNEL_COLUMNS, Scope.brand(), period, group="channel", registry=registry)
    channel_rows = [
        (Channel(code).label, channels[code]) for code in Channel.values if any(channels.get(code, {}).values())
    ]  # channels the brand does not use stay out
    retention = Chart(
        "retention",
        _("各渠道留存率"),
        [str(label) for label, _v in channel_rows],
        [
            {
                "name": str(registry["retention_rate"].name),
                "unit": "percent",
                "data": [
                    None if v["retention_rate"] is None else round(float(v["retention_rate"]), 1)
                    for _l, v in channel_rows
                ],
            }
        ],
        kind="bar",
    )
    return Home(
        headlines(ROLE_KPIS[Role.OPS_MANAGER], focus, period, today, registry, settings),
        [
            trend_chart("trend", _("GMV 与加粉趋势"), ["gmv", "fans_added"], focus.scope, period, registry, today),
            retention,
        ],
        breakdown(focus, period, TEAM_COLUMNS, visibility_of(user), today, registry, settings),
        {
            "channel_rows": channel_rows,
            "channel_metrics": [registry[c] for c in CHANNEL_COLUMNS],
            "violations": _open_violations(user),
        },
    )


def _open_violations(user, limit: int = 5) -> list[Violation]:
    """What waits for review among the violations one may see, newest first."""
    return list(violations_visible(user).filter(status=Violation.Status.OPEN).order_by("-created_at")[:limit])


def planner_home(user, period: Period, today: date) -> Home:
    """Campaigns in the period, each at L1 (achievement) and L2 (GMV), linking to its full tree."""
    registry, settings = metrics_registry(), kpi_settings()
    focus = _brand_focus(Subject("person", user.pk))
    campaigns = list(campaign_selectors.campaigns_running(period))
    return Home(
        headlines(ROLE_KPIS[Role.ACTIVITY_PLANNER], focus, period, today, registry, settings),
        [trend_chart("trend", _("GMV 与加粉趋势"), ["gmv", "fans_added"], focus.scope, period, registry, today)],
        extra={
            "campaign_rows": campaign_selectors.campaign_rows(campaigns),
            "row_metrics": [registry[c] for c in campaign_selectors.ROW_METRICS],
        },
    )


def copywriter_home(user, period: Period, today: date) -> Home:
    registry = metrics_registry()
    focus = _own_focus(user)
    return Home(
        headlines(ROLE_KPIS[Role.COPYWRITER], focus, period, today, registry),
        [trend_chart("trend", _("阅读与转发"), ["reads", "shares"], focus.scope, period, registry, today)],
        extra={"brand_content": headlines(ROLE_KPIS[Role.COPYWRITER], _brand_focus(), period, today, registry)},
    )


def product_home(user, period: Period, today: date) -> Home:
    registry, settings = metrics_registry(), kpi_settings()
    focus = _brand_focus(Subject("person", user.pk))
    return Home(
        headlines(ROLE_KPIS[Role.PRODUCT_OPS], focus, period, today, registry, settings),
        [
            trend_chart(
                "trend", _("SOP 执行"), ["task_execution_rate", "tasks_done"], focus.scope, period, registry, today
            )
        ],
        breakdown(_brand_focus(), period, PRODUCT_COLUMNS, visibility_of(user), today, registry, settings),
        {"freshness": data_freshness(today)},
    )


def designer_home(user, period: Period, today: date) -> Home:
    registry = metrics_registry()
    focus = _own_focus(user)
    return Home(
        headlines(ROLE_KPIS[Role.DESIGNER], focus, period, today, registry),
        [
            trend_chart(
                "trend", _("素材产出与点击"), ["assets_produced", "asset_clicks"], focus.scope, period, registry, today
            )
        ],
    )


def rep_home(user, period: Period, today: date) -> Home:
    """A rep's own KPIs with tiers, their scorecard, and the customers to follow up."""
    registry, settings = metrics_registry(), kpi_settings()
    focus = _own_focus(user)
    cards: list[Scorecard] = [
        scorecard(person=user, role=Role.SALES_REP, period=period, registry=registry, settings=settings, today=today)
    ]
    return Home(
        headlines(ROLE_KPIS[Role.SALES_REP], focus, period, today, registry, settings),
        [trend_chart("trend", _("我的成交与加粉"), ["gmv", "fans_added"], focus.scope, period, registry, today)],
        extra={
            "scorecards": cards,
            "stage_label": settings.get_stage_display(),
            "follow_ups": customer_selectors.follow_ups_due(member_id=user.pk, today=today, limit=10),
            "violations": list(violations_visible(user).filter(rep=user).order_by("-created_at")[:5]),
            "competitions": competitions_of(user, today, current_brand().time_zone),
        },
    )


def admin_home(user, period: Period, today: date) -> Home:
    registry, settings = metrics_registry(), kpi_settings()
    focus = _brand_focus()
    return Home(
        headlines(ROLE_KPIS[Role.BRAND_ADMIN], focus, period, today, registry, settings),
        [trend_chart("trend", _("GMV 与加粉趋势"), ["gmv", "fans_added"], focus.scope, period, registry, today)],
        extra={"setup": setup_status(period), "freshness": data_freshness(today)},
    )


def setup_status(period: Period) -> list[tuple[Label, int, str]]:
    """(what, how many, where to manage it) for an admin's checklist."""
    return [
        (_("团队"), Team.objects.count(), "organisation:teams"),
        (_("本期目标"), Target.objects.filter(period_start__range=(period.start, period.end)).count(), "kpis:targets"),
        (_("活动"), Campaign.objects.count(), "kpis:campaigns"),
        (_("有效 API 密钥"), ApiKey.objects.filter(revoked=False).count(), "organisation:api_keys"),
        (_("导入任务"), ImportJob.objects.count(), "kpis:imports"),
    ]


def data_freshness(today: date) -> dict:
    """When data last arrived, and how much in the last day: is the back office feeding us?"""
    latest = Event.objects.order_by("-created_at").values_list("created_at", flat=True).first()
    return {"latest": latest, "last_day": Event.objects.filter(day__gte=today - timedelta(days=1)).count()}
