from django.urls import path

from apps.kpis.views import boards, imports, manage

app_name = "kpis"
urlpatterns = [
    path("kpis/", boards.BrandBoardView.as_view(), name="brand"),
    path("kpis/teams/<int:pk>/", boards.TeamBoardView.as_view(), name="team"),
    path("kpis/people/<int:pk>/", boards.PersonBoardView.as_view(), name="person"),
    path("kpis/customers/<int:pk>/", boards.CustomerView.as_view(), name="customer"),
    path("kpis/events/", boards.EventListView.as_view(), name="events"),
    path("kpis/campaigns/", manage.CampaignListView.as_view(), name="campaigns"),
    path("kpis/campaigns/new/", manage.CampaignFormView.as_view(), name="campaign_create"),
    path("kpis/campaigns/<int:pk>/", manage.CampaignView.as_view(), name="campaign"),
    path("kpis/campaigns/<int:pk>/edit/", manage.CampaignFormView.as_view(), name="campaign_update"),
    path("kpis/campaigns/<int:pk>/delete/", manage.CampaignDeleteView.as_view(), name="campaign_delete"),
    path("kpis/targets/", manage.TargetListView.as_view(), name="targets"),
    path("kpis/targets/import/", manage.TargetImportView.as_view(), name="target_import"),
    path("kpis/targets/template.csv", manage.TargetTemplateView.as_view(), name="target_template"),
    path("kpis/targets/<int:pk>/delete/", manage.TargetDeleteView.as_view(), name="target_delete"),
    path("kpis/metrics/", manage.MetricListView.as_view(), name="metrics"),
    path("kpis/metrics/new/", manage.CustomMetricCreateView.as_view(), name="metric_create"),
    path("kpis/metrics/try/", manage.FormulaTryView.as_view(), name="formula_try"),
    path("kpis/metrics/<int:pk>/delete/", manage.CustomMetricDeleteView.as_view(), name="metric_delete"),
    path("kpis/settings/", manage.KpiSettingsView.as_view(), name="settings"),
    path("kpis/settings/weights/", manage.StageWeightsView.as_view(), name="stage_weights"),
    path("kpis/imports/", imports.ImportListView.as_view(), name="imports"),
    path("kpis/imports/<int:pk>/", imports.ImportJobView.as_view(), name="import"),
    path("kpis/imports/<int:pk>/start/", imports.ImportStartView.as_view(), name="import_start"),
    path("kpis/imports/<int:pk>/progress/", imports.ImportProgressView.as_view(), name="import_progress"),
    path("kpis/imports/<int:pk>/errors.csv", imports.ImportErrorReportView.as_view(), name="import_errors"),
]
