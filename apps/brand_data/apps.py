from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BrandDataConfig(AppConfig):
    name = "apps.brand_data"
    verbose_name = _("品牌数据")
