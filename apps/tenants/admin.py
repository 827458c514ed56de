"""The platform admin, on the public site, for platform staff only."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from apps.tenants import services
from apps.tenants.models import Brand, Domain, Plan
from apps.tenants.selectors import brand_url

User = get_user_model()  # platform staff; the model is accounts', which stands above tenants


class PlatformAdminSite(admin.AdminSite):
    site_header = _("私域平台 · 平台管理")
    site_title = _("平台管理")

    def has_permission(self, request):
        return request.user.is_active and request.user.is_staff


platform_admin = PlatformAdminSite(name="platform_admin")


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(Brand, site=platform_admin)
class BrandAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "status", "plan", "time_zone", "currency", "created_at", "site_link"]
    list_filter = ["status", "plan", "kind"]
    search_fields = ["name", "slug"]
    readonly_fields = ["schema_name", "slug", "kind", "created_at"]
    fields = [
        "name",
        "slug",
        "schema_name",
        "kind",
        "plan",
        "time_zone",
        "currency",
        "status",
        "suspended_reason",
        "created_at",
    ]
    inlines = [DomainInline]
    actions = ["suspend", "reactivate"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("plan")

    def has_add_permission(self, request):
        return False  # brands are created through signup or `manage.py create_brand`

    def has_delete_permission(self, request, obj=None):
        # Deleting drops the schema with all of the brand's data; keep it for superusers.
        return request.user.is_superuser and (obj is None or obj.kind == Brand.Kind.BRAND)

    @admin.display(description=_("网址"))
    def site_link(self, brand):
        return brand_url(brand) if brand.kind == Brand.Kind.BRAND else "—"

    @admin.action(description=_("停用所选品牌"))
    def suspend(self, request, queryset):
        for brand in queryset.filter(kind=Brand.Kind.BRAND):
            services.brand_suspend(brand=brand, reason=_("由平台管理员停用"))
        messages.success(request, _("已停用。"))

    @admin.action(description=_("恢复所选品牌"))
    def reactivate(self, request, queryset):
        for brand in queryset.filter(kind=Brand.Kind.BRAND):
            services.brand_reactivate(brand=brand)
        messages.success(request, _("已恢复。"))


@admin.register(Plan, site=platform_admin)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "max_people", "monthly_price", "is_default"]


@admin.register(Domain, site=platform_admin)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["domain", "tenant", "is_primary"]
    search_fields = ["domain"]
    list_select_related = ["tenant"]


@admin.register(User, site=platform_admin)
class StaffAdmin(UserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "full_name"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    fieldsets = [
        (None, {"fields": ["email", "password", "full_name"]}),
        (_("权限"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [(None, {"fields": ["email", "full_name", "password1", "password2", "is_staff"]})]
    filter_horizontal = []
