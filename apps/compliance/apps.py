from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "apps.compliance"
    verbose_name = "合规监控"

    def ready(self):
        from apps.compliance import metrics

        metrics.register()
