"""The public site: landing, pricing, signup, and the platform admin."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from apps.signup import api as signup_api
from apps.signup import views as signup_views
from apps.tenants import views as tenants_views
from apps.tenants.admin import platform_admin

urlpatterns = [
    path("", tenants_views.LandingView.as_view(), name="landing"),
    path("pricing/", tenants_views.PricingView.as_view(), name="pricing"),
    path("signup/", signup_views.SignupView.as_view(), name="signup"),
    path("signup/confirm/<str:token>/", signup_views.SignupConfirmView.as_view(), name="signup-confirm"),
    path("admin/", platform_admin.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/signup/", signup_api.SignupView.as_view(), name="api-signup"),
    path("api/schema/", SpectacularAPIView.as_view(urlconf="config.urls_public"), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]

handler404 = "apps.common.errors.page_not_found"
handler500 = "apps.common.errors.server_error"
