"""Roles and what each may see and do: the one map every view, endpoint and admin page uses.

A person holds any number of roles; what they may do is the union of their roles'
capabilities. Views declare the capability they need (see permissions.py); nothing else
decides access.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    BRAND_ADMIN = "brand_admin", _("品牌管理员")
    OPS_MANAGER = "ops_manager", _("私域运营经理")
    ACTIVITY_PLANNER = "activity_planner", _("活动策划")
    COPYWRITER = "copywriter", _("文案策划")
    PRODUCT_OPS = "product_ops", _("产品运营")
    DESIGNER = "designer", _("平面设计")
    SALES_REP = "sales_rep", _("导购")


class Capability(models.TextChoices):
    ORG_VIEW = "org.view", _("查看人员与团队")
    ORG_MANAGE = "org.manage", _("管理人员、团队与角色")
    API_KEYS_MANAGE = "api_keys.manage", _("管理 API 密钥")
    BRAND_ADMIN_SITE = "admin_site.use", _("使用品牌管理后台")
    BRAND_DATA_MANAGE = "brand.data", _("导出品牌全部数据、申请删除品牌")
    AUDIT_LOG_VIEW = "audit_log.view", _("查看审计日志")
    HOME_ADMIN = "home.admin", _("管理员首页")
    HOME_OPS = "home.ops", _("运营经理首页")
    HOME_PLANNER = "home.planner", _("活动策划首页")
    HOME_COPYWRITER = "home.copywriter", _("文案策划首页")
    HOME_PRODUCT = "home.product", _("产品运营首页")
    HOME_DESIGNER = "home.designer", _("平面设计首页")
    HOME_REP = "home.rep", _("导购首页")
    KPI_VIEW_OWN = "kpis.view_own", _("查看自己（及所带团队）的 KPI")
    KPI_VIEW_BRAND = "kpis.view_brand", _("查看全品牌 KPI，下钻到任何团队、人员与客户")
    EVENTS_INGEST = "events.ingest", _("上报与导入事件")
    TARGETS_MANAGE = "targets.manage", _("设置 KPI 目标")
    CAMPAIGNS_MANAGE = "campaigns.manage", _("管理活动")
    METRICS_MANAGE = "metrics.manage", _("管理自定义指标、达成档位与阶段权重")
    MESSAGES_INGEST = "messages.ingest", _("上报聊天消息")
    COMPLIANCE_REVIEW = "compliance.review", _("审核全品牌的违规")
    COMPLIANCE_RULES = "compliance.rules", _("管理合规规则、白名单与提醒")
    LEADERBOARDS_VIEW = "leaderboards.view", _("查看排行榜与比赛")
    COMPETITIONS_MANAGE = "competitions.manage", _("组织比赛（开赛前设置规则与奖励）")
    COMPETITIONS_OVERRIDE = "competitions.override", _("开赛后修改规则、重新开放已结束的比赛（须写明原因）")
    REPORTS_MANAGE = "reports.manage", _("设置日报的发送时间、收件人与截止时间，重新生成日报")
    DAILY_LOG_FILE = "daily_logs.file", _("填写自己的员工日报")
    WECOM_MANAGE = "wecom.manage", _("连接企业微信、同步通讯录与客户")
    WECOM_CODES = "wecom.codes", _("创建渠道活码，查看每个活码的效果")
    WECOM_HANDOVER = "wecom.handover", _("查看离职与转接待分配的客户、导购删客户的提醒")


C = Capability
ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.BRAND_ADMIN: frozenset(Capability.values),
    Role.OPS_MANAGER: frozenset(
        {
            C.ORG_VIEW,
            C.HOME_OPS,
            C.KPI_VIEW_OWN,
            C.KPI_VIEW_BRAND,
            C.TARGETS_MANAGE,
            C.CAMPAIGNS_MANAGE,
            C.METRICS_MANAGE,
            C.COMPLIANCE_REVIEW,
            C.LEADERBOARDS_VIEW,
            C.COMPETITIONS_MANAGE,
            C.REPORTS_MANAGE,
            C.WECOM_CODES,
            C.WECOM_HANDOVER,
        }
    ),
    Role.ACTIVITY_PLANNER: frozenset(
        {
            C.HOME_PLANNER,
            C.KPI_VIEW_OWN,
            C.KPI_VIEW_BRAND,
            C.CAMPAIGNS_MANAGE,
            C.WECOM_CODES,
            C.LEADERBOARDS_VIEW,
            C.COMPETITIONS_MANAGE,
        }
    ),
    Role.COPYWRITER: frozenset({C.HOME_COPYWRITER, C.KPI_VIEW_OWN, C.LEADERBOARDS_VIEW}),
    Role.PRODUCT_OPS: frozenset(
        {
            C.ORG_VIEW,
            C.HOME_PRODUCT,
            C.KPI_VIEW_OWN,
            C.KPI_VIEW_BRAND,
            C.EVENTS_INGEST,
            C.MESSAGES_INGEST,
            C.LEADERBOARDS_VIEW,
        }
    ),
    Role.DESIGNER: frozenset({C.HOME_DESIGNER, C.KPI_VIEW_OWN, C.LEADERBOARDS_VIEW}),
    Role.SALES_REP: frozenset({C.HOME_REP, C.KPI_VIEW_OWN, C.LEADERBOARDS_VIEW, C.DAILY_LOG_FILE}),
}

# The page each role lands on, in order of precedence for a person with several roles.
ROLE_HOMES: list[tuple[str, str, str]] = [
    (Role.BRAND_ADMIN, C.HOME_ADMIN, "dashboards:admin"),
    (Role.OPS_MANAGER, C.HOME_OPS, "dashboards:ops"),
    (Role.ACTIVITY_PLANNER, C.HOME_PLANNER, "dashboards:planner"),
    (Role.COPYWRITER, C.HOME_COPYWRITER, "dashboards:copywriter"),
    (Role.PRODUCT_OPS, C.HOME_PRODUCT, "dashboards:product"),
    (Role.DESIGNER, C.HOME_DESIGNER, "dashboards:designer"),
    (Role.SALES_REP, C.HOME_REP, "dashboards:rep"),
]


def role_labels(roles) -> list[str]:
    labels = dict(Role.choices)
    return [str(labels[role]) for role in roles if role in labels]


def capabilities_for(roles) -> frozenset[str]:
    caps: set[str] = set()
    for role in roles:
        caps |= ROLE_CAPABILITIES.get(role, frozenset())
    return frozenset(caps)


def can(principal, capability: str) -> bool:
    """Whether a user (or an API key, which also carries roles) may use a capability."""
    if principal is None or not getattr(principal, "is_active", True):
        return False
    if getattr(principal, "is_authenticated", True) is False:
        return False
    return capability in capabilities_for(getattr(principal, "roles", ()))
