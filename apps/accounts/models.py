from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pypinyin import lazy_pinyin

from apps.organisation.roles import Role, role_labels


def login_identity(value: str) -> str:
    """The one form of a login name: how emails are stored, how a login looks them up and how
    failed logins are counted (a lockout keyed on anything else is bypassed by changing case)."""
    return value.strip().lower()


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("email is required")
        user = self.model(email=login_identity(self.normalize_email(email)), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username):
        return self.get(email=login_identity(username))


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in. Lives in one schema: platform staff in public, people in their brand."""

    email = models.EmailField(_("邮箱"), max_length=254, unique=True)  # stored lower-cased
    full_name = models.CharField(_("姓名"), max_length=100)
    # Chinese readers expect lists in pinyin order (阿明 before 张伟); derived from full_name.
    name_sort = models.CharField(max_length=300, editable=False, db_index=True, default="")
    phone = models.CharField(_("手机号"), max_length=32, blank=True)
    employee_no = models.CharField(_("工号"), max_length=32, blank=True)
    roles = ArrayField(
        models.CharField(max_length=32, choices=Role.choices), verbose_name=_("角色"), default=list, blank=True
    )
    is_active = models.BooleanField(_("在职"), default=True)
    is_staff = models.BooleanField(_("平台员工"), default=False, help_text=_("仅用于公共站点的平台管理后台。"))
    date_joined = models.DateTimeField(_("加入时间"), default=timezone.now)
    deactivated_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    # Chosen with the language switch; pages on a device without the choice and emails use it.
    language = models.CharField(_("语言"), max_length=16, choices=settings.LANGUAGES, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["name_sort", "id"]

    def __str__(self):
        return self.full_name or self.email

    @staticmethod
    def sort_key_for(full_name: str) -> str:
        return " ".join(lazy_pinyin(full_name.strip())).lower()[:300]

    def save(self, *args, **kwargs):
        self.name_sort = self.sort_key_for(self.full_name)
        if kwargs.get("update_fields") is not None and "full_name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_sort"}
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.email = login_identity(self.email)

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name

    @property
    def role_labels(self) -> list[str]:
        return role_labels(self.roles)

    def has_role(self, role: str) -> bool:
        return role in self.roles
