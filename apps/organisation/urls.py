from django.urls import path

from apps.organisation import views

app_name = "organisation"
urlpatterns = [
    path("people/", views.PeopleListView.as_view(), name="people"),
    path("people/new/", views.PersonCreateView.as_view(), name="person_create"),
    path("people/<int:pk>/", views.PersonUpdateView.as_view(), name="person_update"),
    path("people/<int:pk>/deactivate/", views.PersonActivationView.as_view(), name="person_deactivate"),
    path("people/<int:pk>/reactivate/", views.PersonActivationView.as_view(activate=True), name="person_reactivate"),
    path("teams/", views.TeamListView.as_view(), name="teams"),
    path("teams/new/", views.TeamCreateView.as_view(), name="team_create"),
    path("teams/<int:pk>/", views.TeamUpdateView.as_view(), name="team_update"),
    path("teams/<int:pk>/delete/", views.TeamDeleteView.as_view(), name="team_delete"),
    path("settings/api-keys/", views.ApiKeyListView.as_view(), name="api_keys"),
    path("settings/api-keys/<str:prefix>/revoke/", views.ApiKeyRevokeView.as_view(), name="api_key_revoke"),
]
