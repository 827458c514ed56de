from django.urls import path

from apps.reports import views

app_name = "reports"
urlpatterns = [
    path("reports/", views.LatestReportView.as_view(), name="latest"),
    path("reports/settings/", views.ReportSettingsView.as_view(), name="settings"),
    path("reports/<str:day>/", views.ReportPageView.as_view(), name="report"),
    path("reports/<str:day>/report.xlsx", views.ReportXlsxView.as_view(), name="xlsx"),
    path("reports/<str:day>/report.pdf", views.ReportPdfView.as_view(), name="pdf"),
    path("reports/<str:day>/regenerate/", views.ReportRegenerateView.as_view(), name="regenerate"),
    path("logs/", views.MyLogView.as_view(), name="my_logs"),
    path("logs/team/", views.TeamLogsView.as_view(), name="team_logs"),
    path("logs/meeting/", views.MeetingView.as_view(), name="meeting"),
    path("logs/<int:pk>/comment/", views.LogCommentView.as_view(), name="comment"),
]
