"""The brand admin, on each brand's site: its own schema, for people holding admin_site.use, and
the bases its pages stand on, which ask roles.py rather than Django's per-model permissions."""

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.organisation.roles import Capability, can


class BrandAdminSite(admin.AdminSite):
    site_header = _("私域平台 · 品牌后台")
    site_title = _("品牌后台")

    def has_permission(self, request):
        return can(request.user, Capability.BRAND_ADMIN_SITE)

    def admin_view(self, view, cacheable=False):
        wrapped = super().admin_view(view, cacheable)

        def guard(request, *args, **kwargs):
            # Signed in without the role: a plain 403, not another login form.
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied
            return wrapped(request, *args, **kwargs)

        return guard

    def login(self, request, extra_context=None):
        """One sign-in page per brand: the admin sends people to it."""
        if request.user.is_authenticated and not self.has_permission(request):
            raise PermissionDenied
        next_url = request.GET.get(REDIRECT_FIELD_NAME, reverse("brand_admin:index"))
        return redirect_to_login(next_url, reverse("accounts:login"))


brand_admin = BrandAdminSite(name="brand_admin")


class CapabilityModelAdmin(admin.ModelAdmin):
    """Every brand-admin page asks roles.py, not Django's per-model permission table."""

    @admin.display(description=_("角色"))
    def role_names(self, obj):
        return "、".join(obj.role_labels) or "—"

    def _allowed(self, request):
        return can(request.user, Capability.ORG_MANAGE)

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return False  # people are deactivated, teams deleted through the service's checks


class ReadOnlyAdmin(admin.ModelAdmin):
    """Data shown, never changed here: changes go through the app's pages and API, whose
    services keep what is derived from it consistent. `view_capability` says who may look."""

    view_capability: str

    def has_module_permission(self, request):
        return can(request.user, self.view_capability)

    def has_view_permission(self, request, obj=None):
        return can(request.user, self.view_capability)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
