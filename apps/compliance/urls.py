from django.urls import path

from apps.compliance import views

app_name = "compliance"
urlpatterns = [
    path("compliance/", views.ViolationListView.as_view(), name="violations"),
    path("compliance/count/", views.OpenCountView.as_view(), name="open_count"),
    path("compliance/violations/<int:pk>/", views.ViolationView.as_view(), name="violation"),
    path("compliance/violations/<int:pk>/appeal/", views.ViolationAppealView.as_view(), name="appeal"),
    path("compliance/rules/", views.RuleListView.as_view(), name="rules"),
    path("compliance/rules/new/", views.RuleFormView.as_view(), name="rule_create"),
    path("compliance/rules/try/", views.RuleTryView.as_view(), name="rule_try"),
    path("compliance/rules/<int:pk>/", views.RuleFormView.as_view(), name="rule_update"),
    path("compliance/rules/<int:pk>/delete/", views.RuleDeleteView.as_view(), name="rule_delete"),
    path("compliance/allow/", views.AllowPhraseAddView.as_view(), name="allow_add"),
    path("compliance/allow/<int:pk>/delete/", views.AllowPhraseDeleteView.as_view(), name="allow_delete"),
    path("compliance/settings/", views.ComplianceSettingsView.as_view(), name="settings"),
]
