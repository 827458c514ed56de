from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    verbose_name = _("账号")

    def ready(self):
        from apps.accounts import signals  # noqa: F401  (binds sessions to the brand at login)
