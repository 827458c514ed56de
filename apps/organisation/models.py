from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey

from apps.organisation.roles import Role, role_labels


class Team(models.Model):
    """A store, a group or a region. Teams roll up: team → region → brand (the root)."""

    class Kind(models.TextChoices):
        REGION = "region", _("大区")
        STORE = "store", _("门店")
        GROUP = "group", _("小组")

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.STORE)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("负责人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_teams",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("团队")
        verbose_name_plural = _("团队")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("parent", "name", name="team_name_unique_in_parent", nulls_distinct=False)
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.parent_id is None:
            return
        if self.parent.kind != self.Kind.REGION:
            raise ValidationError({"parent": _("上级只能是大区。")})
        if self.kind == self.Kind.REGION and self.parent.parent_id is not None:
            raise ValidationError({"parent": _("大区最多嵌套两层。")})
        ancestor = self.parent
        while ancestor is not None:
            if self.pk and ancestor.pk == self.pk:
                raise ValidationError({"parent": _("不能把团队放到它自己或它的下级之下。")})
            ancestor = ancestor.parent


class Membership(models.Model):
    """The team a person belongs to (at most one)."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="membership"
    )
    team = models.ForeignKey(Team, verbose_name=_("团队"), on_delete=models.PROTECT, related_name="memberships")
    joined_at = models.DateTimeField(_("加入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("团队成员")
        verbose_name_plural = _("团队成员")

    def __str__(self):
        return f"{self.person} @ {self.team}"


class ApiKey(AbstractAPIKey):
    """An integration's key. Shown once at creation, stored as a SHA-512 hash."""

    # The library's two fields, named for our readers (its own names are English and untranslated).
    name = models.CharField(_("名称"), max_length=50, blank=False, default=None)
    revoked = models.BooleanField(_("已吊销"), blank=True, default=False)
    roles = ArrayField(models.CharField(max_length=32, choices=Role.choices), verbose_name=_("角色"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("API 密钥")  # type: ignore[assignment]  # the library's Meta types it str
        verbose_name_plural = _("API 密钥")  # type: ignore[assignment]

    @property
    def role_labels(self) -> list[str]:
        return role_labels(self.roles)

    # An API key acts like a person holding its roles (see roles.can).
    is_active = property(lambda self: not self.revoked and not self.has_expired)
    is_authenticated = True
