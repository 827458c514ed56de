"""Competitions in the brand admin, read-only: rules change through the leaderboard pages and API,
whose services lock them at the start and log every change."""

from django.contrib import admin

from apps.leaderboards.models import Competition, CompetitionChange, Prize, Standing
from apps.organisation.admin_site import ReadOnlyAdmin, brand_admin
from apps.organisation.roles import Capability


class ReadOnlyBoardAdmin(ReadOnlyAdmin):
    view_capability = Capability.KPI_VIEW_BRAND  # who sees every figure sees every board


class PrizeInline(admin.TabularInline):
    model = Prize
    fields = ["rank_from", "rank_to", "tier", "label"]
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Competition, site=brand_admin)
class CompetitionAdmin(ReadOnlyBoardAdmin):
    list_display = ["name", "metric", "scope", "starts_on", "ends_on", "frozen_at"]
    list_filter = ["scope", "tie_rule"]
    search_fields = ["name"]
    inlines = [PrizeInline]


@admin.register(Standing, site=brand_admin)
class StandingAdmin(ReadOnlyBoardAdmin):
    list_display = ["competition", "position", "rank", "name", "team_name", "value", "prizes"]
    list_filter = ["competition"]
    list_select_related = ["competition"]


@admin.register(CompetitionChange, site=brand_admin)
class CompetitionChangeAdmin(ReadOnlyBoardAdmin):
    list_display = ["at", "competition", "action", "actor", "reason"]
    list_filter = ["action"]
    list_select_related = ["competition", "actor"]
