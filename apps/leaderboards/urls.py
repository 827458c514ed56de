from django.urls import path

from apps.leaderboards import views

app_name = "leaderboards"
urlpatterns = [
    path("leaderboards/", views.LeaderboardsView.as_view(), name="index"),
    path("leaderboards/standing/<str:metric>/<str:kind>/live/", views.StandingLiveView.as_view(), name="standing_live"),
    path("leaderboards/history/", views.HistoryView.as_view(), name="history"),
    path("leaderboards/settings/", views.LeaderboardSettingsView.as_view(), name="settings"),
    path("leaderboards/tv/", views.TvView.as_view(), name="tv"),
    path("leaderboards/tv/slide/", views.TvSlideView.as_view(), name="tv_slide"),
    path("leaderboards/walls/", views.WallLinksView.as_view(), name="walls"),
    path("leaderboards/walls/<int:pk>/revoke/", views.WallLinkRevokeView.as_view(), name="wall_revoke"),
    # A shop-floor TV, by link: the same views, the secret the only key (leaderboards.views.BoardMixin).
    path("wall/<str:secret>/", views.TvView.as_view(), name="wall"),
    path("wall/<str:secret>/slide/", views.TvSlideView.as_view(), name="wall_slide"),
    path(
        "wall/<str:secret>/standing/<str:metric>/<str:kind>/live/",
        views.StandingLiveView.as_view(),
        name="wall_standing_live",
    ),
    path(
        "wall/<str:secret>/competitions/<int:pk>/live/",
        views.CompetitionLiveView.as_view(),
        name="wall_competition_live",
    ),
    path("leaderboards/competitions/new/", views.CompetitionFormView.as_view(), name="competition_create"),
    path("leaderboards/competitions/<int:pk>/", views.CompetitionView.as_view(), name="competition"),
    path("leaderboards/competitions/<int:pk>/live/", views.CompetitionLiveView.as_view(), name="competition_live"),
    path("leaderboards/competitions/<int:pk>/edit/", views.CompetitionFormView.as_view(), name="competition_update"),
    path(
        "leaderboards/competitions/<int:pk>/delete/", views.CompetitionDeleteView.as_view(), name="competition_delete"
    ),
    path(
        "leaderboards/competitions/<int:pk>/reopen/", views.CompetitionReopenView.as_view(), name="competition_reopen"
    ),
]
