"""A brand's site: role homes, organisation, brand admin and the integration API."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from apps.organisation import api as organisation_api
from apps.organisation.admin import brand_admin

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("people", organisation_api.PersonViewSet, basename="person")
router.register("teams", organisation_api.TeamViewSet, basename="team")

api_v1 = [
    path("", include(router.urls)),
    path("roles/", organisation_api.RoleListView.as_view(), name="roles"),
]

urlpatterns = [
    path("", include("apps.dashboards.urls")),
    path("", include("apps.organisation.urls")),
    path("accounts/", include("apps.accounts.urls")),
    path("admin/", brand_admin.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(urlconf="config.urls_tenant"), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]
