from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "apps.reports"
    verbose_name = _("日报")

    def ready(self):
        from apps.kpis.extensions import figures_changed_listen
        from apps.reports.services.reports import figures_changed

        figures_changed_listen(figures_changed)
