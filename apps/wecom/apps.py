from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WecomConfig(AppConfig):
    name = "apps.wecom"
    verbose_name = _("企业微信")

    def ready(self):
        from apps.compliance.signals import violations_found
        from apps.reports.signals import report_ready
        from apps.wecom import metrics
        from apps.wecom.services import app_messages

        metrics.register()
        violations_found.connect(app_messages.on_violations_found, dispatch_uid="wecom-violations")
        report_ready.connect(app_messages.on_report_ready, dispatch_uid="wecom-report")
