from django.urls import path

from apps.brand_data import views

app_name = "brand_data"
urlpatterns = [
    path("settings/data/", views.BrandDataView.as_view(), name="index"),
    path("settings/data/exports/", views.ExportRequestView.as_view(), name="export_request"),
    path("settings/data/exports/<int:pk>/download/", views.ExportDownloadView.as_view(), name="export_download"),
    path("settings/data/deletion/cancel/", views.DeletionCancelView.as_view(), name="deletion_cancel"),
]
