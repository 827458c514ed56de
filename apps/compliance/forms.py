from django import forms
from django.utils.translation import gettext_lazy as _

from apps.compliance.models import Category, Decision, Rule, Severity


class LinesField(forms.CharField):
    """A textarea read as one entry per line (keywords, exceptions)."""

    widget = forms.Textarea(attrs={"rows": 6})

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class RuleForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices)
    severity = forms.ChoiceField(label=_("严重程度"), choices=Severity.choices, initial=Severity.MEDIUM)
    kind = forms.ChoiceField(label=_("方式"), choices=Rule.Kind.choices)
    keywords = LinesField(
        label=_("关键词"),
        required=False,
        help_text=_("一行一个；谐音、变体也写上（薇信、V信、vx）。全角、繁体、夹杂的空格符号都能识别。"),
    )
    exceptions = LinesField(
        label=_("例外词"), required=False, help_text=_("包含关键词但不算违规的词，一行一个（滚动、神经酰胺）")
    )
    pattern = forms.CharField(
        label=_("正则表达式"),
        max_length=500,
        required=False,
        help_text=_("RE2 语法，在规整后的文本上匹配（全角转半角、繁转简、小写）"),
    )
    detector = forms.ChoiceField(label=_("内置检测"), choices=[("", "—"), *Rule.Detector.choices], required=False)
    applies_to = forms.ChoiceField(label=_("检测对象"), choices=Rule.Applies.choices, initial=Rule.Applies.REP)
    skip_negated = forms.BooleanField(label=_("否定句不算（如“我们不接受私下转账”）"), required=False, initial=True)
    enabled = forms.BooleanField(label=_("启用"), required=False, initial=True)
    description = forms.CharField(label=_("说明"), max_length=300, required=False)


class ReviewForm(forms.Form):
    action = forms.ChoiceField(label=_("结论"), choices=Decision.Action.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("备注"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("驳回时必填：说明为什么不算违规，帮助改进规则"),
    )


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=_("申诉理由"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每条违规只能申诉一次，由确认它之外的另一位管理者处理"),
    )


class TryForm(forms.Form):
    text = forms.CharField(
        label=_("示例消息"),
        max_length=65536,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("例如：亲，加我薇信，私下转账更便宜")}),
    )
    direction = forms.ChoiceField(
        label=_("发送方"), choices=[("rep", _("导购")), ("customer", _("客户"))], initial="rep"
    )


class AllowPhraseForm(forms.Form):
    phrase = forms.CharField(
        label=_("白名单短语"),
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("如 400-888-1234、官方小程序")}),
    )
    note = forms.CharField(
        label=_("备注"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("备注（可选）")}),
    )


class ComplianceSettingsForm(forms.Form):
    webhook_url = forms.URLField(
        label=_("企业微信群机器人 Webhook"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("群设置 → 群机器人 → 添加，复制 Webhook 地址；留空则不推送"),
    )
    webhook_min_severity = forms.ChoiceField(
        label=_("推送的最低严重程度"), choices=Severity.choices, initial=Severity.HIGH
    )
