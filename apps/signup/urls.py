from django.urls import path

from apps.signup.views import HandoffView

app_name = "signup"
urlpatterns = [
    path("accounts/handoff/", HandoffView.as_view(), name="handoff"),
]
