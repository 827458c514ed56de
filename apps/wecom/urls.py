from django.urls import path

from apps.wecom import views

app_name = "wecom"
urlpatterns = [
    path("settings/wecom/", views.ConnectionView.as_view(), name="settings"),
    path("settings/wecom/messages/", views.MessagesView.as_view(), name="messages"),
    path("settings/wecom/disconnect/", views.DisconnectView.as_view(), name="disconnect"),
    path("settings/wecom/sync/", views.SyncStartView.as_view(), name="sync_start"),
    path("settings/wecom/sync/<int:pk>/", views.SyncProgressView.as_view(), name="sync_run"),
    path("settings/wecom/sync/<int:pk>/resume/", views.SyncResumeView.as_view(), name="sync_resume"),
    path("wecom/callback/", views.CallbackView.as_view(), name="callback"),
    path("accounts/wecom/", views.SignInStartView.as_view(), name="sign_in"),
    path("accounts/wecom/done/", views.SignInDoneView.as_view(), name="sign_in_done"),
    path("wecom/codes/", views.CodeListView.as_view(), name="codes"),
    path("wecom/codes/new/", views.CodeCreateView.as_view(), name="code_create"),
    path("wecom/codes/<int:pk>/", views.CodeEditView.as_view(), name="code_edit"),
    path("wecom/codes/<int:pk>/remove/", views.CodeRemoveView.as_view(), name="code_remove"),
    path("wecom/codes/<int:pk>/qr.png", views.CodeImageView.as_view(), name="code_image"),
    path("wecom/handover/", views.HandoverView.as_view(), name="handover"),
    path("wecom/handover/seen/", views.AlertsSeenView.as_view(), name="alerts_seen"),
    path("wecom/alerts/count/", views.AlertCountView.as_view(), name="alert_count"),
]
