"""A brand's site: role homes, organisation, brand admin and the integration API."""

from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from apps.accounts import views as accounts_views
from apps.compliance import api as compliance_api
from apps.kpis import api as kpis_api
from apps.leaderboards import api as leaderboards_api
from apps.organisation import api as organisation_api
from apps.organisation.admin_site import brand_admin
from apps.reports import api as reports_api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.include_format_suffixes = False  # one URL per operation: no `deactivate.json` twins
router.register("people", organisation_api.PersonViewSet, basename="person")
router.register("teams", organisation_api.TeamViewSet, basename="team")
router.register("campaigns", kpis_api.CampaignViewSet, basename="campaign")
router.register("targets", kpis_api.TargetViewSet, basename="target")
router.register("custom-metrics", kpis_api.CustomMetricViewSet, basename="custom-metric")
router.register("customers", kpis_api.CustomerViewSet, basename="customer")
router.register("compliance-rules", compliance_api.RuleViewSet, basename="compliance-rule")
router.register("allow-phrases", compliance_api.AllowPhraseViewSet, basename="allow-phrase")
router.register("violations", compliance_api.ViolationViewSet, basename="violation")
router.register("competitions", leaderboards_api.CompetitionViewSet, basename="competition")
router.register("reports", reports_api.ReportViewSet, basename="report")
router.register("daily-logs", reports_api.DailyLogViewSet, basename="daily-log")

api_v1: list[URLPattern | URLResolver] = [
    path("roles/", organisation_api.RoleListView.as_view(), name="roles"),
    path("events/", kpis_api.EventBatchView.as_view(), name="events"),
    path("metrics/", kpis_api.MetricListView.as_view(), name="metrics"),
    path("kpis/", kpis_api.KpiValuesView.as_view(), name="kpis"),
    path("scorecards/", kpis_api.ScorecardView.as_view(), name="scorecards"),
    path("kpi-settings/", kpis_api.KpiSettingsView.as_view(), name="kpi-settings"),
    path("stage-weights/", kpis_api.StageWeightsView.as_view(), name="stage-weights"),
    path("messages/", compliance_api.MessageBatchView.as_view(), name="messages"),
    path("compliance-rules/try/", compliance_api.RuleTryView.as_view(), name="compliance-rule-try"),
    path(
        "leaderboards/<str:metric>/<str:period>/",
        leaderboards_api.StandingBoardView.as_view(),
        name="standing-board",
    ),
    path("", include(router.urls)),  # after the fixed paths, so compliance-rules/try/ is not read as an id
]

urlpatterns = [
    path("", include("apps.dashboards.urls")),
    path("", include("apps.brand_data.urls")),
    path("", include("apps.organisation.urls")),
    path("", include("apps.kpis.urls")),
    path("", include("apps.compliance.urls")),
    path("", include("apps.leaderboards.urls")),
    path("", include("apps.reports.urls")),
    path("", include("apps.wecom.urls")),
    path("", include("apps.signup.urls")),  # the new admin's hand-over from the public site
    path("accounts/", include("apps.accounts.urls")),
    path("admin/", brand_admin.urls),
    path("i18n/setlang/", accounts_views.language_set, name="set_language"),  # remembered per person
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(urlconf="config.urls_tenant"), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]

handler404 = "apps.common.errors.page_not_found"
handler500 = "apps.common.errors.server_error"
