"""Pages where managers set up what the figures are judged by: campaigns, targets, metrics and
their formulas, tier thresholds and stage weights."""

from __future__ import annotations

import csv
import io
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from apps.common.periods import brand_today
from apps.common.schemas import brand_of
from apps.common.web import PeriodMixin
from apps.kpis import formula
from apps.kpis.catalogue import Channel
from apps.kpis.forms import CampaignForm, CustomMetricForm, KpiSettingsForm, TargetForm, TargetImportForm
from apps.kpis.models import Campaign, CustomMetric, KpiSettings, StageWeight, Target
from apps.kpis.selectors import campaigns as campaign_selectors
from apps.kpis.selectors.boards import trend_chart
from apps.kpis.selectors.metrics import Scope, metric_values, metrics_registry
from apps.kpis.selectors.targets import kpi_settings
from apps.kpis.services import campaigns as campaign_services
from apps.kpis.services import metrics as metric_services
from apps.kpis.services import targets as target_services
from apps.organisation.permissions import CapabilityRequiredMixin, ServiceActionView, ServiceFormView
from apps.organisation.roles import Capability, Role

User = get_user_model()

# --- campaigns -------------------------------------------------------------------------------


class CampaignListView(CapabilityRequiredMixin, PeriodMixin, TemplateView):
    required_capability = Capability.KPI_VIEW_BRAND
    template_name = "kpis/campaigns.html"
    default_period = "quarter"

    def get_context_data(self, **kwargs):
        registry = metrics_registry()
        campaigns = list(campaign_selectors.campaigns_running(self.period))
        return super().get_context_data(
            rows=campaign_selectors.campaign_rows(campaigns),
            metrics=[registry[c] for c in campaign_selectors.ROW_METRICS],
            **kwargs,
        )


class CampaignView(CapabilityRequiredMixin, TemplateView):
    """One campaign's four-level tree, its ROI per channel and per employee."""

    required_capability = Capability.KPI_VIEW_BRAND
    template_name = "kpis/campaign.html"

    def get_context_data(self, **kwargs):
        campaign = get_object_or_404(Campaign.objects.select_related("owner"), pk=self.kwargs["pk"])
        tree = campaign_selectors.campaign_tree(campaign)
        registry = metrics_registry()
        split = ["gmv", "orders", "fans_added", "paying_customers", "cost", "roi", "order_conversion", "aov"]
        by_channel = campaign_selectors.campaign_breakdown(campaign, "channel", split)
        by_member = campaign_selectors.campaign_breakdown(campaign, "member", split)
        people = User.objects.in_bulk([pk for pk in by_member if pk])
        members = sorted(
            ((people.get(pk), values) for pk, values in by_member.items()),
            key=lambda row: row[1]["gmv"] or 0,
            reverse=True,
        )[:30]
        today = min(tree.period.end, brand_today(brand_of(self.request).time_zone))
        chart = trend_chart(
            "campaign",
            _("活动每日 GMV 与加粉"),
            ["gmv", "fans_added"],
            Scope(campaign_id=campaign.pk),
            tree.period,
            registry,
            today,
        )
        return super().get_context_data(
            campaign=campaign,
            tree=tree,
            metric=registry,
            split_metrics=[registry[c] for c in split],
            by_channel=[
                (Channel(code).label if code else _("未标渠道"), values)
                for code, values in sorted(by_channel.items(), key=lambda kv: -(kv[1]["gmv"] or 0))
            ],
            by_member=members,
            chart=chart.as_json(brand_of(self.request).currency),
            **kwargs,
        )


class CampaignFormView(ServiceFormView):
    required_capability = Capability.CAMPAIGNS_MANAGE
    template_name = "kpis/form.html"
    form_class = CampaignForm

    @cached_property
    def campaign(self):
        return get_object_or_404(Campaign, pk=self.kwargs["pk"]) if "pk" in self.kwargs else None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.campaign}

    def get_context_data(self, **kwargs):
        title = _("编辑活动") if self.campaign else _("新建活动")
        return super().get_context_data(title=title, back="kpis:campaigns", **kwargs)

    def perform(self, form):
        if self.campaign:
            campaign = campaign_services.campaign_update(campaign=self.campaign, **form.cleaned_data)
        else:
            campaign = campaign_services.campaign_create(**form.cleaned_data)
        messages.success(self.request, _("已保存活动 %(name)s。") % {"name": campaign.name})
        return redirect("kpis:campaign", campaign.pk)


class CampaignDeleteView(ServiceActionView):
    required_capability = Capability.CAMPAIGNS_MANAGE
    success_url = "kpis:campaigns"

    def get_object(self):
        return get_object_or_404(Campaign, pk=self.kwargs["pk"])

    def perform(self, campaign):
        campaign_services.campaign_delete(campaign=campaign)
        return _("已删除活动 %(name)s。") % {"name": campaign.name}


# --- targets ---------------------------------------------------------------------------------


class TargetListView(PeriodMixin, ServiceFormView):
    """Targets of a month (and its quarter), with a form to set one and a CSV import."""

    required_capability = Capability.TARGETS_MANAGE
    template_name = "kpis/targets.html"
    form_class = TargetForm

    def get_initial(self):
        return {"period_start": self.period.start, "period_kind": Target.PeriodKind.MONTH}

    def get_context_data(self, **kwargs):
        registry = metrics_registry()
        targets = (
            Target.objects.filter(period_start__range=(self.period.start, self.period.end))
            .select_related("person", "team")
            .order_by("person__name_sort", "team__name", "metric")
        )
        return super().get_context_data(
            targets=[(t, registry.get(t.metric)) for t in targets], import_form=TargetImportForm(), **kwargs
        )

    def perform(self, form):
        target = target_services.target_set(**form.cleaned_data)
        messages.success(
            self.request, _("目标已保存：%(metric)s = %(value)s") % {"metric": target.metric, "value": target.value}
        )
        return redirect(self.request.get_full_path())


class TargetImportView(ServiceFormView):
    required_capability = Capability.TARGETS_MANAGE
    template_name = "kpis/target_import.html"
    form_class = TargetImportForm

    def perform(self, form):
        try:
            text = form.cleaned_data["file"].read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(_("请把 CSV 另存为 UTF-8 编码后再上传。")) from None
        rows = list(csv.DictReader(io.StringIO(text)))
        saved, errors = target_services.targets_import(rows=rows)
        if errors:
            return self.render_to_response(self.get_context_data(form=form, row_errors=errors))
        messages.success(self.request, _("已导入 %(n)d 个目标。") % {"n": saved})
        return redirect("kpis:targets")


class TargetTemplateView(CapabilityRequiredMixin, TemplateView):
    """A CSV to fill in: the columns the import expects, with one example row."""

    required_capability = Capability.TARGETS_MANAGE

    def get(self, request, *args, **kwargs):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="targets.csv"'
        response.write("\ufeff")  # Excel opens UTF-8 CSVs correctly only with a BOM
        writer = csv.writer(response)
        writer.writerow(["metric", "person", "team", "period", "value", "test_phase"])
        writer.writerow(["gmv", "DG0001", "", "2026-12", "15000", ""])
        writer.writerow(["gmv", "", "上海南京路店", "2026-Q4", "450000", ""])
        return response


class TargetDeleteView(ServiceActionView):
    required_capability = Capability.TARGETS_MANAGE
    success_url = "kpis:targets"

    def get_object(self):
        return get_object_or_404(Target, pk=self.kwargs["pk"])

    def perform(self, target):
        target_services.target_delete(target=target)
        return _("已删除目标。")


# --- metrics and settings ----------------------------------------------------------------------


def _metrics_context() -> dict:
    registry = metrics_registry()
    return {
        "base": [m for m in registry.values() if not m.is_derived],
        "derived": [m for m in registry.values() if m.is_derived and not m.custom],
        "custom": CustomMetric.objects.all(),
    }


class MetricListView(CapabilityRequiredMixin, TemplateView):
    """The catalogue and the brand's own formulas; managers also get the form to add one."""

    required_capability = Capability.KPI_VIEW_OWN
    template_name = "kpis/metrics.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(form=CustomMetricForm(), **_metrics_context(), **kwargs)


class CustomMetricCreateView(ServiceFormView):
    required_capability = Capability.METRICS_MANAGE
    template_name = "kpis/metrics.html"
    form_class = CustomMetricForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(**_metrics_context(), **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        metric = metric_services.custom_metric_save(
            code=data["code"],
            name=data["name"],
            formula_text=data["formula"],
            unit=data["unit"],
            lower_is_better=data["lower_is_better"],
        )
        messages.success(self.request, _("已添加指标 %(name)s。") % {"name": metric.name})
        return redirect("kpis:metrics")


class FormulaTryView(CapabilityRequiredMixin, PeriodMixin, TemplateView):
    """htmx: what a formula gives for the whole brand this period, or why it cannot be computed."""

    required_capability = Capability.METRICS_MANAGE
    template_name = "kpis/_formula_try.html"

    def get_context_data(self, **kwargs):
        text = self.request.GET.get("formula", "")
        context = {"formula": text}
        try:
            names = metric_services.formula_check(text)
        except ValidationError as error:
            context["error"] = " ".join(error.messages)
            return super().get_context_data(**context, **kwargs)
        values = metric_values(sorted(names), Scope.brand(), self.period)
        context["inputs"] = sorted(values.items())
        context["result"] = formula.evaluate(text, values)
        return super().get_context_data(**context, **kwargs)


class CustomMetricDeleteView(ServiceActionView):
    required_capability = Capability.METRICS_MANAGE
    success_url = "kpis:metrics"

    def get_object(self):
        return get_object_or_404(CustomMetric, pk=self.kwargs["pk"])

    def perform(self, metric):
        metric_services.custom_metric_delete(metric=metric)
        return _("已删除指标 %(name)s。") % {"name": metric.name}


class KpiSettingsView(ServiceFormView):
    """Tier thresholds, the programme's stage, and each role's scorecard weights per stage."""

    required_capability = Capability.METRICS_MANAGE
    template_name = "kpis/settings.html"
    form_class = KpiSettingsForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": kpi_settings()}

    def get_context_data(self, **kwargs):
        registry = metrics_registry()
        weights: dict[tuple, list] = {}
        for weight in StageWeight.objects.all():
            weights.setdefault((weight.stage, weight.role), []).append(
                (weight.metric, registry.get(weight.metric), weight.weight)
            )
        cards = [
            (stage, stage_label, role, role_label, weights.get((stage, role), []))
            for stage, stage_label in KpiSettings.Stage.choices
            for role, role_label in Role.choices
            if role != Role.BRAND_ADMIN
        ]
        return super().get_context_data(cards=cards, metric_codes=sorted(registry), **kwargs)

    def perform(self, form):
        metric_services.kpi_settings_update(**form.cleaned_data)
        messages.success(self.request, _("KPI 设置已保存。"))
        return redirect("kpis:settings")


class StageWeightsView(ServiceActionView):
    """Replace one role's scorecard at one stage from lines of "metric weight"."""

    required_capability = Capability.METRICS_MANAGE
    success_url = "kpis:settings"

    def get_object(self):
        return None

    def perform(self, _obj):
        weights = {}
        for line in self.request.POST.get("weights", "").splitlines():
            parts = line.replace("=", " ").replace(":", " ").split()
            if not parts:
                continue
            try:
                weights[parts[0]] = Decimal(parts[1]) if len(parts) > 1 else Decimal(0)
            except InvalidOperation:
                raise ValidationError(_("权重应为数字：%(line)s") % {"line": line}) from None
        metric_services.stage_weights_set(
            stage=self.request.POST.get("stage", ""), role=self.request.POST.get("role", ""), weights=weights
        )
        return _("记分卡权重已保存。")
