from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeaderboardsConfig(AppConfig):
    name = "apps.leaderboards"
    verbose_name = _("排行榜与比赛")

    def ready(self):
        from apps.kpis.extensions import figures_changed_listen, metric_users_register
        from apps.leaderboards.selectors import metric_in_competition
        from apps.leaderboards.services.live import figures_changed

        figures_changed_listen(figures_changed)
        metric_users_register(metric_in_competition)
