from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from apps.kpis.models import Customer
from apps.reports.models import ReportSettings

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
PICKABLE = 24


def _customer_label(customer: Customer) -> str:
    if customer.last_contact_on is None:
        return customer.ref
    return f"{customer.ref} · {customer.last_contact_on:%m-%d}"


class ReportSettingsForm(forms.ModelForm):
    webhook_url = forms.URLField(
        label=_("企业微信群机器人 Webhook"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("留空则不推送；推送摘要和日报链接"),
    )

    class Meta:
        model = ReportSettings
        fields = ["send_at", "log_cutoff", "email_managers", "email_team_leads", "email_reps", "webhook_url"]
        widgets = {"send_at": TIME, "log_cutoff": TIME}

    def _post_clean(self):  # the service validates (one place)
        pass


class DailyLogForm(forms.Form):
    done = forms.CharField(label=_("今日完成"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    customers = forms.ModelMultipleChoiceField(
        label=_("跟进的客户"),
        queryset=Customer.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "customer-picks"}),
        help_text=_("最近联系过的客户，日期为最近一次联系"),
    )
    problems = forms.CharField(label=_("遇到的问题"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    plan = forms.CharField(label=_("明日计划"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, person, chosen=(), **kwargs):
        super().__init__(*args, **kwargs)
        # The rep picks among their own customers: the most recently in touch, and those already picked.
        latest_first = (F("last_contact_on").desc(nulls_last=True), "ref")
        recent = Customer.objects.filter(owner=person).order_by(*latest_first).values_list("pk", flat=True)
        offered = {*recent[:PICKABLE], *chosen}
        field = self.fields["customers"]
        field.queryset = Customer.objects.filter(pk__in=offered, owner=person).order_by(*latest_first)
        field.label_from_instance = _customer_label


class CommentForm(forms.Form):
    text = forms.CharField(label=_("批注"), widget=forms.Textarea(attrs={"rows": 2}))
