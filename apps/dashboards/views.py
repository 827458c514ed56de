from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from apps.common.schemas import brand_of
from apps.common.web import PeriodMixin
from apps.dashboards import selectors
from apps.organisation.permissions import CapabilityRequiredMixin
from apps.organisation.roles import ROLE_HOMES, Capability, Role, can


@login_required
def home(request):
    """Send each person to the home of their most senior role."""
    for role, capability, url_name in ROLE_HOMES:
        if role in request.user.roles and can(request.user, capability):
            return redirect(url_name)
    raise PermissionDenied(_("你还没有任何角色，请联系品牌管理员。"))


class RoleHomeView(CapabilityRequiredMixin, PeriodMixin, TemplateView):
    """A role's landing page: its KPIs for the chosen period, built by dashboards.selectors."""

    role: str = ""
    build = None  # selectors.<role>_home

    def get_template_names(self):
        return [f"dashboards/{self.role}.html"]

    def get_context_data(self, **kwargs):
        home = self.build(self.request.user, self.period, self.today)
        return super().get_context_data(
            role_label=Role(self.role).label,
            home=home,
            charts=[chart.as_json(brand_of(self.request).currency) for chart in home.charts],
            **kwargs,
        )


def role_home(role, capability, build):
    return RoleHomeView.as_view(role=role, required_capability=capability, build=build)


admin_home = role_home(Role.BRAND_ADMIN, Capability.HOME_ADMIN, selectors.admin_home)
ops_home = role_home(Role.OPS_MANAGER, Capability.HOME_OPS, selectors.ops_home)
planner_home = role_home(Role.ACTIVITY_PLANNER, Capability.HOME_PLANNER, selectors.planner_home)
copywriter_home = role_home(Role.COPYWRITER, Capability.HOME_COPYWRITER, selectors.copywriter_home)
product_home = role_home(Role.PRODUCT_OPS, Capability.HOME_PRODUCT, selectors.product_home)
designer_home = role_home(Role.DESIGNER, Capability.HOME_DESIGNER, selectors.designer_home)
rep_home = role_home(Role.SALES_REP, Capability.HOME_REP, selectors.rep_home)
