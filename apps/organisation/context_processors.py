from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.common.schemas import current_schema
from apps.organisation.models import Team
from apps.organisation.roles import ROLE_CAPABILITIES, ROLE_HOMES, Capability, Role, can


# Entries shown by who someone is rather than by one capability: (user, whether they lead a team).
def _hands_over(user, leads: bool) -> bool:
    """Ops see every handover; a team's lead sees their reps' (and is told when one deletes a customer)."""
    return leads or can(user, Capability.WECOM_HANDOVER)


def _reads_team_logs(user, leads: bool) -> bool:
    """A store lead and the managers read the logs of the people they look after."""
    return leads or can(user, Capability.REPORTS_MANAGE)


def _sees_compliance(user, leads: bool) -> bool:
    """Those whose messages are checked (reps), who review them, and leads: for a copywriter or
    a designer the list would always be empty."""
    return leads or Role.SALES_REP in user.roles or can(user, Capability.COMPLIANCE_REVIEW)


def _files_a_log(user, leads: bool) -> bool:
    """A role that files its own daily log; the admin's every-capability does not make one."""
    return any(
        Capability.DAILY_LOG_FILE in ROLE_CAPABILITIES.get(role, ()) for role in user.roles if role != Role.BRAND_ADMIN
    )


# The brand site's menu and the capability each entry needs: sections in the bar, set-up pages
# in the "设置" menu.
_SECTIONS = [
    (_("KPI 看板"), "kpis:brand", Capability.KPI_VIEW_OWN),
    (_("活动"), "kpis:campaigns", Capability.KPI_VIEW_BRAND),
    (_("合规"), "compliance:violations", _sees_compliance),
    (_("排行榜"), "leaderboards:index", Capability.LEADERBOARDS_VIEW),
    (_("日报"), "reports:latest", Capability.KPI_VIEW_OWN),
    (_("写日报"), "reports:my_logs", _files_a_log),
    (_("团队日志"), "reports:team_logs", _reads_team_logs),
    (_("人员"), "organisation:people", Capability.ORG_VIEW),
    (_("团队"), "organisation:teams", Capability.ORG_VIEW),
    (_("渠道活码"), "wecom:codes", Capability.WECOM_CODES),
    (_("客户交接"), "wecom:handover", _hands_over),
]
# Sections that show a live count next to their name (polled by htmx).
_BADGES = {"compliance:violations": "compliance:open_count", "wecom:handover": "wecom:alert_count"}
_SETTINGS = [
    (_("企业微信"), "wecom:settings", Capability.WECOM_MANAGE),
    (_("KPI 目标"), "kpis:targets", Capability.TARGETS_MANAGE),
    (_("指标与公式"), "kpis:metrics", Capability.METRICS_MANAGE),
    (_("达成档位与权重"), "kpis:settings", Capability.METRICS_MANAGE),
    (_("导入事件"), "kpis:imports", Capability.EVENTS_INGEST),
    (_("合规规则与白名单"), "compliance:rules", Capability.COMPLIANCE_REVIEW),
    (_("违规提醒"), "compliance:settings", Capability.COMPLIANCE_RULES),
    (_("排行榜设置"), "leaderboards:settings", Capability.COMPETITIONS_MANAGE),
    (_("日报设置"), "reports:settings", Capability.REPORTS_MANAGE),
    (_("API 密钥"), "organisation:api_keys", Capability.API_KEYS_MANAGE),
    (_("审计日志"), "brand_admin:auditlog_logentry_changelist", Capability.AUDIT_LOG_VIEW),
    (_("数据导出与删除"), "brand_data:index", Capability.BRAND_DATA_MANAGE),
    (_("品牌后台"), "brand_admin:index", Capability.BRAND_ADMIN_SITE),
]


def navigation(request):
    """The brand site's menu: the homes of the roles one holds, then what one may see and manage."""
    user = getattr(request, "user", None)
    if current_schema() == "public" or user is None or not user.is_authenticated:
        return {}
    labels = dict(Role.choices)
    homes = [(labels[role], reverse(url)) for role, cap, url in ROLE_HOMES if can(user, cap) and role in user.roles]
    # caps.org_manage etc.: templates show an action only to those who may use it.
    caps = {capability.name.lower(): can(user, capability) for capability in Capability}
    leads = Team.objects.filter(leader=user).exists()
    return {
        "caps": caps,
        "nav_homes": homes,
        "nav_sections": [
            (label, reverse(url), reverse(_BADGES[url]) if url in _BADGES else None)
            for label, url, cap in _SECTIONS
            if (cap(user, leads) if callable(cap) else can(user, cap))
        ],
        "nav_settings": [(label, reverse(url)) for label, url, cap in _SETTINGS if can(user, cap)],
        "nav_api_docs": can(user, Capability.ORG_VIEW),
    }
