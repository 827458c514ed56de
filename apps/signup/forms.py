from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.tenants.models import TIME_ZONE_CHOICES, Industry
from apps.tenants.selectors import slug_is_taken
from apps.tenants.validators import CURRENCY_CHOICES, SLUG_MAX_LENGTH, SLUG_TAKEN, validate_slug


class SignupForm(forms.Form):
    name = forms.CharField(label=_("品牌名称"), max_length=100)
    slug = forms.CharField(
        label=_("子域名"),
        max_length=SLUG_MAX_LENGTH + 10,  # longer input gets our own clear message
        help_text=_("品牌网址的前缀，如 acme → acme.localhost。小写字母、数字、连字符。"),
    )
    time_zone = forms.ChoiceField(label=_("时区"), choices=TIME_ZONE_CHOICES, initial="Asia/Shanghai")
    currency = forms.ChoiceField(label=_("货币"), choices=CURRENCY_CHOICES, initial="CNY")
    industry = forms.ChoiceField(
        label=_("行业"),
        choices=Industry.choices,
        initial=Industry.OTHER,
        required=False,  # integrations signing up through the API before it existed
        help_text=_("决定合规规则的行业补充：常见竞品品牌名、该行业不得作出的承诺"),
    )
    admin_name = forms.CharField(label=_("管理员姓名"), max_length=100)
    admin_email = forms.EmailField(label=_("管理员邮箱"))
    admin_password = forms.CharField(
        label=_("密码"), widget=forms.PasswordInput, help_text=_("至少 10 位，不能是常见密码或纯数字。")
    )

    def clean_industry(self):
        return self.cleaned_data.get("industry") or Industry.OTHER

    def clean_slug(self):
        slug = self.cleaned_data["slug"].strip().lower()
        validate_slug(slug)
        if slug_is_taken(slug):
            raise ValidationError(SLUG_TAKEN, code="taken")
        return slug

    def clean(self):
        data = super().clean()
        password = data.get("admin_password")
        if password:
            # Judge the password against the person it will belong to (name/email similarity).
            candidate = User(email=data.get("admin_email", ""), full_name=data.get("admin_name", ""))
            try:
                password_validation.validate_password(password, candidate)
            except ValidationError as error:
                self.add_error("admin_password", error)
        return data
