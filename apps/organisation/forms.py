from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from apps.organisation.models import Team
from apps.organisation.roles import Role

User = get_user_model()


class RolesField(forms.TypedMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("角色"))
        super().__init__(choices=Role.choices, **kwargs)


class PersonForm(forms.Form):
    full_name = forms.CharField(label=_("姓名"), max_length=100)
    email = forms.EmailField(label=_("邮箱"))
    phone = forms.CharField(label=_("手机号"), max_length=32, required=False)
    employee_no = forms.CharField(label=_("工号"), max_length=32, required=False)
    roles = RolesField(help_text=_("可多选：一人可以身兼数职。"))
    team = forms.ModelChoiceField(
        label=_("所属团队"),
        queryset=Team.objects.exclude(kind=Team.Kind.REGION),
        required=False,
        empty_label=_("（不属于门店/小组）"),
    )
    language = forms.ChoiceField(
        label=_("语言"),
        choices=[("", _("（默认：简体中文）")), *settings.LANGUAGES],
        required=False,
        help_text=_("邮件（日报、重设密码）和未选过语言的设备用这个语言；本人切换语言时也会改。"),
    )


class PersonCreateForm(PersonForm):
    password = forms.CharField(
        label=_("初始密码"),
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text=_("留空则生成邀请链接，由本人设置密码。"),
    )


class TeamForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=Team.Kind.choices)
    parent = forms.ModelChoiceField(
        label=_("上级大区"),
        queryset=Team.objects.filter(kind=Team.Kind.REGION),
        required=False,
        empty_label=_("（直属品牌）"),
    )
    leader = forms.ModelChoiceField(label=_("负责人"), queryset=User.objects.filter(is_active=True), required=False)


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=50, help_text=_("例如：企业微信同步、ERP 订单导入"))
    roles = RolesField(help_text=_("密钥以这些角色的权限调用 API。"))
