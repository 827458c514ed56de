import zoneinfo

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

from apps.tenants.validators import CURRENCY_CHOICES, validate_slug, validate_time_zone

# Offered in forms; the model validates against the machine's tz database instead of freezing
# the list into a migration.
TIME_ZONE_CHOICES = sorted((tz, tz) for tz in zoneinfo.available_timezones() if "/" in tz)


class Plan(models.Model):  # type: ignore[django-manager-missing]  # Brand (TenantMixin) is untyped
    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    max_people = models.PositiveIntegerField(_("人数上限"), null=True, blank=True, help_text=_("留空表示不限"))
    monthly_price = models.DecimalField(_("月费"), max_digits=10, decimal_places=2, default=0)
    is_default = models.BooleanField(_("注册默认套餐"), default=False)

    class Meta:
        verbose_name = _("套餐")
        verbose_name_plural = _("套餐")
        ordering = ["monthly_price"]

    def __str__(self):
        return self.name


class Industry(models.TextChoices):
    """What a brand sells: it picks the compliance starter additions (competitors, promises)."""

    BEAUTY = "beauty", _("美妆个护")
    BABY = "baby", _("母婴")
    FOOD = "food", _("食品饮料")
    APPAREL = "apparel", _("服饰鞋包")
    OTHER = "other", _("其他")


class Brand(TenantMixin):
    class Status(models.TextChoices):
        ACTIVE = "active", _("正常")
        SUSPENDED = "suspended", _("已停用")

    class Kind(models.TextChoices):
        PUBLIC = "public", _("公共站点")
        TEMPLATE = "template", _("模板")
        BRAND = "brand", _("品牌")

    name = models.CharField(_("品牌名称"), max_length=100)
    slug = models.CharField(_("子域名"), max_length=30, unique=True, validators=[validate_slug])
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.BRAND)
    time_zone = models.CharField(_("时区"), max_length=64, default="Asia/Shanghai", validators=[validate_time_zone])
    currency = models.CharField(_("货币"), max_length=3, choices=CURRENCY_CHOICES, default="CNY")
    industry = models.CharField(_("行业"), max_length=16, choices=Industry.choices, default=Industry.OTHER)
    plan = models.ForeignKey(
        Plan, verbose_name=_("套餐"), on_delete=models.PROTECT, null=True, blank=True, related_name="brands"
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    suspended_reason = models.CharField(_("停用原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    # Two-step deletion (apps.brand_data.services.deletion): asked for, then purged after the grace.
    deletion_requested_at = models.DateTimeField(_("申请删除时间"), null=True, blank=True)
    deletion_requested_by = models.EmailField(_("申请删除人"), blank=True)
    delete_after = models.DateTimeField(_("计划删除时间"), null=True, blank=True, db_index=True)
    # With SIGNUP_EMAIL_CONFIRMATION on, a brand whose first admin has not confirmed their email by
    # then is purged like a deleted one (apps.brand_data.services.deletion).
    confirm_email_by = models.DateTimeField(_("邮箱确认截止"), null=True, blank=True, db_index=True)

    auto_drop_schema = True  # deleting a brand deletes its people and data
    # Schemas are created by tenants.services (cloning the template in constant time), not on save.
    auto_create_schema = False

    class Meta:
        verbose_name = _("品牌")
        verbose_name_plural = _("品牌")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.slug})"

    @property
    def is_suspended(self) -> bool:
        return self.status == self.Status.SUSPENDED


class Domain(DomainMixin):
    class Meta:
        verbose_name = _("域名")
        verbose_name_plural = _("域名")
