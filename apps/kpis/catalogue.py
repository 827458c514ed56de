"""The KPI catalogue (DOMAIN.md): every base metric, where its value comes from, and every derived
metric as a formula over others. Derived metrics use the same formula language brands use for
their own (formula.py), so there is one way a figure is computed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.common.formatting import Label, Unit


class Channel(models.TextChoices):
    WECOM = "wecom", _("企业微信")
    PERSONAL_WECHAT = "personal_wechat", _("个人微信")
    COMMUNITY = "community", _("社群")
    MINI_PROGRAM = "mini_program", _("小程序")
    MEMBER = "member", _("会员")
    OFFICIAL_ACCOUNT = "official_account", _("公众号")
    LIVE = "live", _("直播")


class EventKind(models.TextChoices):
    FAN_ADDED = "fan_added", _("加粉")
    FAN_DELETED = "fan_deleted", _("删粉")  # the customer deleted the rep (被删)
    FAN_REMOVED = "fan_removed", _("导购删客户")  # the rep deleted the customer
    GROUP_JOIN = "group_join", _("入群")
    GROUP_LEAVE = "group_leave", _("退群")
    INTERACTION = "interaction", _("互动")
    CONNECTION = "connection", _("有效建联")
    LEAD = "lead", _("留资")
    ORDER = "order", _("订单")
    REFERRAL = "referral", _("转介绍")
    CONTENT_PUBLISHED = "content_published", _("内容发布")
    CONTENT_READ = "content_read", _("阅读/播放")
    CONTENT_SHARED = "content_shared", _("转发分享")
    CONTENT_FOLLOWED = "content_followed", _("新增关注")
    CONTENT_COMMENT = "content_comment", _("评论")
    MOMENTS_POST = "moments_post", _("发朋友圈")
    GREETING = "greeting", _("节日问候")
    FOLLOW_UP = "follow_up", _("跟进记录")
    TASK_ASSIGNED = "task_assigned", _("SOP 任务下发")
    TASK_DONE = "task_done", _("SOP 任务完成")
    COST = "cost", _("投入")
    ASSET_PRODUCED = "asset_produced", _("素材产出")
    ASSET_ON_TIME = "asset_on_time", _("素材按时交付")
    ASSET_CLICK = "asset_click", _("素材点击")
    REPORT_DUE = "report_due", _("应交报表")
    REPORT_ON_TIME = "report_on_time", _("按时报表")


# The rollup column each event kind adds its quantity to. Orders add 1 to `orders`, their
# quantity to `items` and their amount to `gmv`; cost events add their amount to `cost`.
KIND_COLUMN: dict[str, str] = {
    EventKind.FAN_ADDED: "fans_added",
    EventKind.FAN_DELETED: "fans_deleted",
    EventKind.FAN_REMOVED: "fans_removed",
    EventKind.GROUP_JOIN: "group_joins",
    EventKind.GROUP_LEAVE: "group_leaves",
    EventKind.INTERACTION: "interactions",
    EventKind.CONNECTION: "connections",
    EventKind.LEAD: "leads",
    EventKind.REFERRAL: "referrals",
    EventKind.CONTENT_PUBLISHED: "content_published",
    EventKind.CONTENT_READ: "reads",
    EventKind.CONTENT_SHARED: "shares",
    EventKind.CONTENT_FOLLOWED: "follows",
    EventKind.CONTENT_COMMENT: "comments",
    EventKind.MOMENTS_POST: "moments_posts",
    EventKind.GREETING: "greetings",
    EventKind.FOLLOW_UP: "follow_ups",
    EventKind.TASK_ASSIGNED: "tasks_assigned",
    EventKind.TASK_DONE: "tasks_done",
    EventKind.ASSET_PRODUCED: "assets_produced",
    EventKind.ASSET_ON_TIME: "assets_on_time",
    EventKind.ASSET_CLICK: "asset_clicks",
    EventKind.REPORT_DUE: "reports_due",
    EventKind.REPORT_ON_TIME: "reports_on_time",
}
ROLLUP_COLUMNS: list[str] = [*KIND_COLUMN.values(), "orders", "items", "gmv", "cost"]
# A customer leaves the pool when either side ends the contact; both are counted, apart.
POOL_LEAVING = (EventKind.FAN_DELETED, EventKind.FAN_REMOVED)
MONEY_COLUMNS = frozenset({"gmv", "cost"})
# Customer contact that counts as "followed up" (a rep's to-do list ages from the last one).
CONTACT_KINDS = (
    EventKind.INTERACTION,
    EventKind.CONNECTION,
    EventKind.FOLLOW_UP,
    EventKind.GREETING,
    EventKind.ORDER,
)


class Source(models.TextChoices):
    """Where a base metric's value is read from (see selectors/metrics.py)."""

    ROLLUP = "rollup"  # summed from daily rollups
    BALANCE = "balance"  # a stock at the period's end: running totals minus later rollups
    CUSTOMERS = "customers"  # counted from the customer tables
    ORGANISATION = "organisation"  # people and campaigns
    FORMULA = "formula"  # derived


@dataclass(frozen=True)
class Metric:
    code: str
    name: Label
    unit: str = Unit.COUNT
    lower_is_better: bool = False
    formula: str | None = None
    source: str = Source.ROLLUP
    # A flow adds up over time (GMV, adds): a month target is spread over the days of a shorter
    # period. Stocks and rates (pool size, conversion) keep their target whatever the period.
    flow: bool = True
    custom: bool = False

    @property
    def is_derived(self) -> bool:
        return self.formula is not None


def _base(code, name, unit=Unit.COUNT, *, lower=False, source=Source.ROLLUP, flow=True):
    return Metric(code, name, unit, lower, None, source, flow)


def _derived(code, name, formula, unit=Unit.PERCENT, *, lower=False):
    return Metric(code, name, unit, lower, formula, Source.FORMULA, flow=False)


_C = Source.CUSTOMERS
_O = Source.ORGANISATION
BUILT_IN: dict[str, Metric] = {
    m.code: m
    for m in [
        _base("fans_added", _("加粉数")),
        _base("fans_deleted", _("删粉数"), lower=True),
        _base("fans_removed", _("导购删客户数"), lower=True),
        _base("group_joins", _("入群人次")),
        _base("group_leaves", _("退群人次"), lower=True),
        _base("fans_total", _("客群资产数"), source=Source.BALANCE, flow=False),
        _base("interactions", _("互动数")),
        _base("connections", _("有效建联数")),
        _base("leads", _("留资数")),
        _base("orders", _("订单数")),
        _base("gmv", _("成交金额 GMV"), Unit.MONEY),
        _base("items", _("客件数")),
        _base("referrals", _("转介绍数")),
        _base("new_customers", _("拉新获客数"), source=_C),
        _base("paying_customers", _("付费用户数"), source=_C),
        _base("repeat_customers", _("复购用户数"), source=_C),
        _base("retained_customers", _("留存用户数"), source=_C),
        _base("cohort_gmv", _("新客累计成交"), Unit.MONEY, source=_C),
        _base("customers_total", _("客户总数"), source=_C, flow=False),
        _base("customers_tagged", _("已打标签客户数"), source=_C, flow=False),
        _base("content_published", _("内容产出数量")),
        _base("reads", _("阅读/播放量")),
        _base("shares", _("转发分享数")),
        _base("follows", _("新增关注")),
        _base("comments", _("评论数")),
        _base("moments_posts", _("发朋友圈次数")),
        _base("greetings", _("节日问候")),
        _base("follow_ups", _("跟进记录")),
        _base("tasks_assigned", _("SOP 任务数")),
        _base("tasks_done", _("SOP 完成数")),
        _base("cost", _("投入"), Unit.MONEY, lower=True),
        _base("assets_produced", _("素材产出")),
        _base("assets_on_time", _("按时交付素材")),
        _base("asset_clicks", _("素材点击")),
        _base("reports_due", _("应交报表")),
        _base("reports_on_time", _("按时报表")),
        _base("headcount", _("人数"), source=_O, flow=False),
        _base("active_members", _("使用系统人数"), source=_O, flow=False),
        _base("campaigns", _("负责活动数"), source=_O, flow=False),
        _derived("aov", _("客单价"), "gmv / orders", Unit.MONEY),
        _derived("deletion_rate", _("删粉率"), "fans_deleted / fans_added * 100", lower=True),
        _derived("interaction_rate", _("互动率"), "interactions / fans_total * 100"),
        _derived("pass_through_rate", _("通过率（留资→加粉）"), "fans_added / leads * 100"),
        _derived("service_success_rate", _("服务成功率（加粉→建联）"), "connections / fans_added * 100"),
        _derived("monetization_rate", _("变现成功率（建联→成交）"), "paying_customers / connections * 100"),
        _derived("referral_rate", _("转介绍率（成交→转介绍）"), "referrals / paying_customers * 100"),
        _derived("conversion_rate", _("转化率（加粉→成交）"), "paying_customers / fans_added * 100"),
        _derived("order_conversion", _("下单转化率（订单/加粉）"), "orders / fans_added * 100"),
        _derived("retention_rate", _("留存率"), "retained_customers / new_customers * 100"),
        _derived("repurchase_rate", _("复购率"), "repeat_customers / paying_customers * 100"),
        _derived("roi", _("ROI（短期）"), "(gmv - cost) / cost * 100"),
        _derived("roi_long", _("ROI（长期，新客累计成交）"), "(cohort_gmv - cost) / cost * 100"),
        _derived("cac", _("获客成本 CAC"), "cost / new_customers", Unit.MONEY, lower=True),
        _derived("ltv", _("用户生命周期价值 LTV"), "cohort_gmv / new_customers", Unit.MONEY),
        _derived("ltv_cac", _("LTV / CAC"), "ltv / cac", Unit.RATIO),
        _derived("reach_rate", _("营销传递率"), "connections / fans_total * 100"),
        _derived("scenario_conversion", _("场景转化率"), "paying_customers / connections * 100"),
        _derived(
            "private_performance",
            _("私域业绩"),
            "fans_total * (reach_rate / 100) * (scenario_conversion / 100) * aov",
            Unit.MONEY,
        ),
        _derived("per_capita_output", _("人均产出营收额"), "gmv / headcount", Unit.MONEY),
        _derived("projects_per_head", _("人均负责项目数"), "campaigns / headcount", Unit.RATIO),
        _derived("task_execution_rate", _("SOP 执行率"), "tasks_done / tasks_assigned * 100"),
        _derived("report_timeliness", _("报表及时率"), "reports_on_time / reports_due * 100"),
        _derived("data_completeness", _("数据完整度（标签覆盖）"), "customers_tagged / customers_total * 100"),
        _derived("tool_adoption", _("工具使用率"), "active_members / headcount * 100"),
        _derived("on_time_delivery", _("按时交付率"), "assets_on_time / assets_produced * 100"),
        _derived("clicks_per_asset", _("素材使用（每件点击）"), "asset_clicks / assets_produced", Unit.RATIO),
        _derived("reads_per_piece", _("篇均阅读"), "reads / content_published", Unit.RATIO),
    ]
}


# The KPIs each role is judged by (DOMAIN.md's table), in the order its pages show them.
ROLE_KPIS: dict[str, list[str]] = {
    "ops_manager": [
        "fans_total",
        "fans_added",
        "fans_deleted",
        "gmv",
        "roi",
        "roi_long",
        "retention_rate",
        "per_capita_output",
    ],
    "activity_planner": ["gmv", "new_customers", "paying_customers", "order_conversion", "aov", "roi", "cost", "cac"],
    "copywriter": ["content_published", "reads", "shares", "follows", "comments", "reads_per_piece"],
    "product_ops": [
        "data_completeness",
        "task_execution_rate",
        "report_timeliness",
        "tool_adoption",
        "tasks_done",
        "reports_on_time",
    ],
    "designer": ["assets_produced", "on_time_delivery", "asset_clicks", "clicks_per_asset"],
    "sales_rep": [
        "fans_total",
        "fans_added",
        "fans_deleted",
        "deletion_rate",
        "interactions",
        "gmv",
        "conversion_rate",
        "repurchase_rate",
    ],
    "brand_admin": ["fans_total", "fans_added", "gmv", "orders", "aov", "roi", "retention_rate", "repurchase_rate"],
}
# Team tables: the few columns that tell a team's story at a glance.
TEAM_COLUMNS = ["gmv", "orders", "aov", "fans_added", "fans_deleted", "fans_total", "conversion_rate"]
# Whose figures a role answers for: the whole brand's (the pool, campaigns, the back office) or
# their own work's (a rep's customers, a copywriter's pieces).
BRAND_WIDE_ROLES = frozenset({"brand_admin", "ops_manager", "activity_planner", "product_ops"})
