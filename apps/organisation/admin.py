"""People, teams, API keys and the audit log in the brand admin (the site: admin_site.py)."""

from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django import forms
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.organisation.admin_site import CapabilityModelAdmin, brand_admin
from apps.organisation.forms import RolesField
from apps.organisation.models import ApiKey, Membership, Team
from apps.organisation.roles import Capability, Role, can
from apps.organisation.selectors import is_last_admin


class PersonAdminForm(forms.ModelForm):
    """Role and email edits; (de)activation happens on the people page, through its service."""

    roles = RolesField(required=False)

    class Meta:
        model = User
        fields = ["email", "full_name", "phone", "employee_no", "roles"]

    def clean(self):
        data = super().clean()
        person = self.instance
        if person.pk and Role.BRAND_ADMIN not in data.get("roles", []) and is_last_admin(person):
            raise forms.ValidationError(_("品牌至少需要一位在职的品牌管理员。"))
        return data


class MembershipInline(admin.StackedInline):
    model = Membership
    extra = 0
    max_num = 1
    can_delete = True

    def has_add_permission(self, request, obj=None):
        return can(request.user, Capability.ORG_MANAGE)

    has_change_permission = has_view_permission = has_delete_permission = lambda self, request, obj=None: can(
        request.user, Capability.ORG_MANAGE
    )


@admin.register(User, site=brand_admin)
class PersonAdmin(CapabilityModelAdmin):
    form = PersonAdminForm
    list_display = ["full_name", "email", "employee_no", "role_names", "team_name", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["full_name", "email", "employee_no"]
    inlines = [MembershipInline]
    list_select_related = ["membership__team"]

    def has_add_permission(self, request):
        return False  # people are invited on the People page, which hands out the invite link

    @admin.display(description=_("团队"))
    def team_name(self, person):
        membership = getattr(person, "membership", None)
        return membership.team.name if membership else "—"


@admin.register(Team, site=brand_admin)
class TeamAdmin(CapabilityModelAdmin):
    list_display = ["name", "kind", "parent", "leader"]
    list_filter = ["kind"]
    search_fields = ["name"]
    list_select_related = ["parent", "leader"]


@admin.register(ApiKey, site=brand_admin)
class ApiKeyAdmin(CapabilityModelAdmin):
    list_display = ["name", "prefix", "role_names", "created", "last_used_at", "revoked"]
    readonly_fields = fields = (
        "prefix",
        "created",
        "last_used_at",
        "revoked_at",
        "created_by",
        "name",
        "roles",
        "revoked",
    )

    def _allowed(self, request):
        return can(request.user, Capability.API_KEYS_MANAGE)

    def has_add_permission(self, request):
        return False  # created on the API keys page, where the secret is shown once


@admin.register(LogEntry, site=brand_admin)
class AuditLogAdmin(LogEntryAdmin):
    """Who changed what and when (django-auditlog records it): read-only, for brand admins, who
    have no use for the request correlation id (whose column auditlog leaves untranslated)."""

    list_display = ["created", "resource_url", "action", "msg_short", "user_url"]

    @admin.display(description=_("操作人"))
    def user_url(self, obj):
        return super().user_url(obj) if obj.actor else _("系统")

    @admin.display(description=_("变更"))
    def msg_short(self, obj):
        """Which fields changed, by the names the forms give them (auditlog lists raw names)."""
        if obj.action in (LogEntry.Action.DELETE, LogEntry.Action.ACCESS):
            return ""
        model = obj.content_type.model_class()
        names = []
        for name in obj.changes_dict:
            try:
                field = model._meta.get_field(name) if model else None
            except FieldDoesNotExist:
                field = None
            if field is not None and field.auto_created and not field.concrete:  # a reverse relation
                names.append(str(field.related_model._meta.verbose_name_plural))
            else:
                names.append(str(getattr(field, "verbose_name", None) or name))
        return _("%(n)d 项：%(fields)s") % {"n": len(names), "fields": _("、").join(names)}

    def has_module_permission(self, request):
        return can(request.user, Capability.AUDIT_LOG_VIEW)

    def has_view_permission(self, request, obj=None):
        return can(request.user, Capability.AUDIT_LOG_VIEW)

    def has_delete_permission(self, request, obj=None):
        return False
