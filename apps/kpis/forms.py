from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from apps.common.formatting import Unit
from apps.common.forms import DATE
from apps.kpis.models import Campaign, KpiSettings, Target
from apps.kpis.selectors.metrics import metric_choices
from apps.organisation.models import Team

User = get_user_model()


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["code", "name", "channel", "owner", "starts_on", "ends_on", "budget", "target_gmv"]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True)

    def _post_clean(self):  # uniqueness and model rules are the service's job (one place)
        pass


class TargetForm(forms.Form):
    metric = forms.ChoiceField(label=_("指标"))
    person = forms.ModelChoiceField(label=_("人员"), queryset=User.objects.none(), required=False)
    team = forms.ModelChoiceField(
        label=_("团队"), queryset=Team.objects.none(), required=False, help_text=_("人员、团队都不选：全品牌目标")
    )
    period_kind = forms.ChoiceField(label=_("周期"), choices=Target.PeriodKind.choices)
    period_start = forms.DateField(label=_("周期内任一天"), widget=DATE)
    value = forms.DecimalField(label=_("目标值"), min_value=0, max_digits=16, decimal_places=2)
    test_phase = forms.BooleanField(label=_("测试期（只奖不罚）"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = metric_choices()
        self.fields["person"].queryset = User.objects.filter(is_active=True).order_by("name_sort")
        self.fields["team"].queryset = Team.objects.order_by("name")

    def clean(self):
        data = super().clean()
        if data.get("person") and data.get("team"):
            self.add_error("team", _("目标只能属于一个人或一个团队，不能同时指定。"))
        return data


class TargetImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV 文件"),
        help_text=_("列：metric, person（工号或邮箱）, team（名称）, period（2026-11 或 2026-Q4）, value, test_phase"),
    )


class CustomMetricForm(forms.Form):
    code = forms.SlugField(label=_("代码"), max_length=40, help_text=_("小写字母、数字和下划线，用在公式和 API 里"))
    name = forms.CharField(label=_("名称"), max_length=100)
    formula = forms.CharField(
        label=_("公式"), max_length=300, help_text=_("用指标代码、数字、+ - * / 和括号，例如 gmv / fans_added")
    )
    unit = forms.ChoiceField(label=_("单位"), choices=Unit.choices, initial=Unit.RATIO)
    lower_is_better = forms.BooleanField(label=_("越低越好"), required=False)


class KpiSettingsForm(forms.ModelForm):
    class Meta:
        model = KpiSettings
        fields = ["achieved_pct", "exceeded_pct", "stage", "score_cap_pct", "future_tolerance_minutes"]

    def _post_clean(self):
        pass


class EventImportForm(forms.Form):
    file = forms.FileField(label=_("事件文件（CSV 或 XLSX）"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("只支持 .csv 和 .xlsx 文件。"))
        return upload
