from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from apps.organisation.permissions import CapabilityRequiredMixin
from apps.organisation.roles import ROLE_HOMES, Capability, Role, can


@login_required
def home(request):
    """Send each person to the home of their most senior role."""
    for role, capability, url_name in ROLE_HOMES:
        if role in request.user.roles and can(request.user, capability):
            return redirect(url_name)
    raise PermissionDenied(_("你还没有任何角色，请联系品牌管理员。"))


class RoleHomeView(CapabilityRequiredMixin, TemplateView):
    """A role's landing page. Later issues fill the panels with KPIs, violations and reports."""

    template_name = "dashboards/role_home.html"
    role: str = ""
    panels: tuple = ()

    def get_context_data(self, **kwargs):
        return super().get_context_data(role_label=Role(self.role).label, panels=self.panels, **kwargs)


def role_home(role, capability, *panels):
    return RoleHomeView.as_view(role=role, required_capability=capability, panels=panels)


admin_home = role_home(
    Role.BRAND_ADMIN, Capability.HOME_ADMIN, _("人员与团队"), _("KPI 目标设置"), _("合规规则"), _("API 集成")
)
ops_home = role_home(
    Role.OPS_MANAGER, Capability.HOME_OPS, _("私域总用户数"), _("各渠道留存率"), _("GMV 与 ROI"), _("待审核违规")
)
planner_home = role_home(
    Role.ACTIVITY_PLANNER,
    Capability.HOME_PLANNER,
    _("活动 KPI 达成率"),
    _("活动 GMV"),
    _("GMV 拆解：用户数 × 转化率 × 客单价"),
)
copywriter_home = role_home(
    Role.COPYWRITER, Capability.HOME_COPYWRITER, _("阅读/播放量"), _("产出数量"), _("转发分享"), _("新增关注与评论")
)
product_home = role_home(
    Role.PRODUCT_OPS, Capability.HOME_PRODUCT, _("数据完整度"), _("SOP 执行率"), _("报表及时性"), _("工具使用率")
)
designer_home = role_home(Role.DESIGNER, Capability.HOME_DESIGNER, _("素材产出"), _("按时交付率"), _("素材点击率"))
rep_home = role_home(
    Role.SALES_REP, Capability.HOME_REP, _("我的客群资产"), _("今日加粉/删粉"), _("我的成交"), _("我的排名")
)
