"""The brand admin shows KPI data read-only: changes go through the KPI pages and API, whose
services keep rollups and targets consistent."""

from django.contrib import admin

from apps.kpis.models import Campaign, Customer, Event, ImportJob, Target
from apps.organisation.admin_site import ReadOnlyAdmin, brand_admin
from apps.organisation.roles import Capability


class ReadOnlyKpiAdmin(ReadOnlyAdmin):
    view_capability = Capability.KPI_VIEW_BRAND


@admin.register(Event, site=brand_admin)
class EventAdmin(ReadOnlyKpiAdmin):
    list_display = ["occurred_at", "kind", "member", "customer", "channel", "campaign", "quantity", "amount"]
    list_filter = ["kind", "channel"]
    search_fields = ["external_id", "customer__ref"]
    list_select_related = ["member", "customer", "campaign"]
    date_hierarchy = "day"
    show_full_result_count = False  # counting millions of events on every page is not worth it


@admin.register(Customer, site=brand_admin)
class CustomerAdmin(ReadOnlyKpiAdmin):
    list_display = ["ref", "owner", "channel", "joined_on", "left_on", "orders_count", "gmv_total"]
    list_filter = ["channel"]
    search_fields = ["ref"]
    list_select_related = ["owner"]


@admin.register(Campaign, site=brand_admin)
class CampaignAdmin(ReadOnlyKpiAdmin):
    list_display = ["name", "code", "channel", "starts_on", "ends_on", "budget", "target_gmv"]
    search_fields = ["name", "code"]


@admin.register(Target, site=brand_admin)
class TargetAdmin(ReadOnlyKpiAdmin):
    list_display = ["metric", "person", "team", "period_kind", "period_start", "value", "test_phase"]
    list_filter = ["period_kind", "metric"]
    list_select_related = ["person", "team"]


@admin.register(ImportJob, site=brand_admin)
class ImportJobAdmin(ReadOnlyKpiAdmin):
    list_display = ["original_name", "status", "rows_total", "created", "duplicates", "failed", "created_at"]
