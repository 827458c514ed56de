from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeaderboardsConfig(AppConfig):
    name = "apps.leaderboards"
    verbose_name = _("排行榜与比赛")

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        from apps.kpis.extensions import figures_changed_listen, metric_users_register
        from apps.leaderboards.selectors import metric_in_competition
        from apps.leaderboards.services.live import brand_restored, figures_changed, people_changed
        from apps.organisation.models import Membership
        from apps.tenants import signals as tenants

        figures_changed_listen(figures_changed)
        tenants.brand_restored.connect(brand_restored, dispatch_uid="leaderboards-brand-restored")
        metric_users_register(metric_in_competition)
        # Who competes follows roles, activity and teams, which the organisation app owns.
        for model in (get_user_model(), Membership):
            post_save.connect(people_changed, sender=model, dispatch_uid=f"leaderboards-{model.__name__}-save")
            post_delete.connect(people_changed, sender=model, dispatch_uid=f"leaderboards-{model.__name__}-delete")
