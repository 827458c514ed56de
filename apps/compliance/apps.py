from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "apps.compliance"
    verbose_name = _("合规监控")

    def ready(self):
        from apps.compliance import metrics

        metrics.register()
