from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from apps.kpis.catalogue import Channel
from apps.kpis.models import Campaign
from apps.organisation.models import Team
from apps.organisation.roles import Role
from apps.wecom.models import Connection

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

User = get_user_model()


def _secret(label: StrOrPromise, help_text: StrOrPromise, pattern: str, message: StrOrPromise) -> forms.CharField:
    """A secret field: never shown back (the page shows its last four characters), blank keeps it."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=128,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        validators=[RegexValidator(pattern, message)],
        help_text=help_text,
    )


class ConnectionForm(forms.Form):
    corp_id = forms.CharField(
        label=_("企业 ID（CorpID）"),
        max_length=18,
        validators=[RegexValidator(r"^w[wx][0-9a-fA-F]{16}$", _("企业 ID 以 ww 或 wx 开头，共 18 位字母和数字。"))],
        help_text=_("企业微信管理后台 →「我的企业」→ 页面底部的企业 ID。"),
    )
    agent_id = forms.CharField(
        label=_("自建应用 AgentId"),
        max_length=16,
        validators=[RegexValidator(r"^[0-9]{4,16}$", _("AgentId 是一串数字，如 1000002。"))],
        help_text=_("「应用管理」→ 你为本平台创建的自建应用 → AgentId。"),
    )
    app_secret = _secret(
        _("自建应用 Secret"),
        _("同一页面的 Secret（点「查看」后在企业微信里接收）。"),
        r"^[A-Za-z0-9_-]{16,128}$",
        _("Secret 由字母、数字、- 和 _ 组成，通常 43 位。"),
    )
    contact_secret = _secret(
        _("客户联系 Secret"),
        _("「客户与上下游」→「客户联系」→ API → Secret。"),
        r"^[A-Za-z0-9_-]{16,128}$",
        _("Secret 由字母、数字、- 和 _ 组成，通常 43 位。"),
    )
    callback_token = _secret(
        _("回调 Token"),
        _("在「接收事件服务器」里设置的 Token（可点「随机获取」）。"),
        r"^[A-Za-z0-9]{1,32}$",
        _("Token 是最多 32 位的字母和数字。"),
    )
    callback_aes_key = _secret(
        _("回调 EncodingAESKey"),
        _("同一处的 EncodingAESKey。"),
        r"^[A-Za-z0-9]{43}$",
        _("EncodingAESKey 恰好 43 位字母和数字。"),
    )
    new_member_role = forms.ChoiceField(
        label=_("新成员的角色"),
        choices=[("", _("不分配角色")), *Role.choices],
        required=False,
        initial=Role.SALES_REP,
        help_text=_("同步进来的新成员获得的角色；已有人员的角色从不被改动。"),
    )

    def __init__(self, *args, stored: dict[str, str] | None = None, **kwargs):
        """`stored`: the secrets on file as their last four characters: those may be left blank."""
        super().__init__(*args, **kwargs)
        for name, shown in (stored or {}).items():
            if shown:
                self.fields[name].widget.attrs["placeholder"] = _("已保存（%(last)s），不改请留空") % {"last": shown}


class ChannelCodeForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100, help_text=_("如「双11 门店海报 - 南京西路店」"))
    campaign = forms.ModelChoiceField(label=_("活动"), queryset=Campaign.objects.none(), required=False)
    channel = forms.ChoiceField(label=_("渠道"), choices=Channel.choices, initial=Channel.WECOM)
    team = forms.ModelChoiceField(label=_("门店"), queryset=Team.objects.none(), required=False)
    people = forms.ModelMultipleChoiceField(
        label=_("接待导购"),
        queryset=User.objects.none(),
        help_text=_("扫码的客户加这些导购为好友（多人时轮流分配）。"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    cost = forms.DecimalField(
        label=_("投放成本"), min_value=0, max_digits=14, decimal_places=2, initial=0, help_text=_("用于计算 ROI")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = Campaign.objects.order_by("-starts_on")
        self.fields["team"].queryset = Team.objects.order_by("name")
        self.fields["people"].queryset = User.objects.filter(
            is_active=True, wecom_member__isnull=False, wecom_member__left_at__isnull=True
        ).order_by("name_sort")


class ChannelCodeEditForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    cost = forms.DecimalField(label=_("投放成本"), min_value=0, max_digits=14, decimal_places=2)


class MessageSettingsForm(forms.ModelForm):
    class Meta:
        model = Connection
        fields = ["alert_violations", "send_reports", "remind_logs", "log_reminder_lead"]

    def _post_clean(self):  # the service validates (one place)
        pass
