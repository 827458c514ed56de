"""Compliance pages: violations (list, one in its conversation, review), the live count, rules with
a try-it box, the allow list and the webhook."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from apps.common.web import PeriodMixin
from apps.compliance import selectors
from apps.compliance.forms import AllowPhraseForm, AppealForm, ComplianceSettingsForm, ReviewForm, RuleForm, TryForm
from apps.compliance.models import AllowPhrase, Category, Rule, Severity, Violation, reason_text
from apps.compliance.services import notify, review, rules
from apps.compliance.services.scanning import compliance_settings, ruleset_build
from apps.organisation.access import may_review
from apps.organisation.permissions import CapabilityRequiredMixin, ServiceActionView, ServiceFormView
from apps.organisation.roles import Capability


class ViolationListView(CapabilityRequiredMixin, PeriodMixin, ListView):
    """Reviewers land on what waits for them; reps on their own record."""

    required_capability = Capability.KPI_VIEW_OWN
    template_name = "compliance/violations.html"
    context_object_name = "violations"
    paginate_by = 30

    @cached_property
    def all_dates(self) -> bool:
        """Without a period asked for, the list is the whole queue: what the menu's badge counts."""
        return "period" not in self.request.GET

    @cached_property
    def visible(self):
        violations = selectors.violations_visible(self.request.user)
        if self.all_dates:
            return violations
        return violations.filter(day__range=(self.period.start, self.period.end))

    def get_queryset(self):
        params = self.request.GET

        def chosen(name, values, default=""):
            value = params.get(name, default)
            return value if value in values else ""

        rep = params.get("rep", "")
        violations = selectors.violation_filters(
            self.visible,
            status=chosen("status", Violation.Status.values, "open"),
            category=chosen("category", Category.values),
            severity=chosen("severity", Severity.values),
            message=params.get("message", "").strip()[:128],
            conversation=params.get("conversation", "").strip()[:128],
            rep=int(rep) if rep.isdigit() and len(rep) < 12 else None,
        )
        return selectors.review_items(violations).order_by("-created_at", "-id")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            all_dates=self.all_dates,
            counts=selectors.status_counts(self.visible),
            statuses=Violation.Status.choices,
            categories=Category.choices,
            severities=Severity.choices,
            reps=selectors.reps_with_violations(self.visible),
            filters=self.request.GET,
            status=self.request.GET.get("status", "open"),
            **kwargs,
        )


class OpenCountView(CapabilityRequiredMixin, TemplateView):
    """htmx: the open violations one may see, polled by every page's menu."""

    required_capability = Capability.KPI_VIEW_OWN
    template_name = "compliance/_open_count.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(open_count=selectors.open_count(self.request.user), **kwargs)


def _highlighted(message, hits=()) -> list[tuple[str, bool]]:
    """The message text cut into (piece, is_a_hit) for the template to mark; overlapping hits
    are marked as one."""
    text = message.text
    spans = sorted((hit.start, hit.end) for hit in hits if hit.message_id == message.pk)
    pieces, at = [], 0
    for start, end in spans:
        start = max(start, at)
        if end <= start:
            continue
        pieces += [(text[at:start], False), (text[start:end], True)]
        at = end
    return [*pieces, (text[at:], False)]


class ViolationView(ServiceFormView):
    """One violation: the message among those around it, the rule and the hit, decisions so far."""

    required_capability = Capability.KPI_VIEW_OWN
    template_name = "compliance/violation.html"
    form_class = ReviewForm

    @cached_property
    def violation(self) -> Violation:
        return selectors.violation_visible(self.request.user, self.kwargs["pk"])

    @cached_property
    def allowed(self) -> list[str]:
        if not may_review(self.request.user, self.violation.rep_id):
            return []
        return review.actions_allowed(self.violation, self.request.user)

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["action"].choices = [
            (code, label) for code, label in form.fields["action"].choices if code in self.allowed
        ]
        return form

    def get_context_data(self, **kwargs):
        violation = self.violation
        hits = selectors.hits_of(violation)
        conversation = [
            (message, _highlighted(message, hits)) for message in selectors.conversation_around(violation.message)
        ]
        return super().get_context_data(
            violation=violation,
            hits=hits,
            customer=selectors.customer_of(violation.message),
            conversation=conversation,
            can_review=bool(self.allowed),
            waits_for_another=violation.status == Violation.Status.APPEALED
            and may_review(self.request.user, violation.rep_id)
            and not self.allowed,
            may_appeal=review.may_appeal(violation, self.request.user),
            decisions=violation.decisions.select_related("actor"),  # every hit was decided with it
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if not self.allowed:
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        review.violation_review(violation=self.violation, actor=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("已记录你的审核。"))
        following = (
            selectors.violations_visible(self.request.user)
            .filter(status=Violation.Status.OPEN)
            .exclude(message_id=self.violation.message_id)
            .order_by("-created_at")
            .first()
        )
        return redirect("compliance:violation", following.pk) if following else redirect("compliance:violations")


class ViolationAppealView(ServiceActionView):
    """A rep appeals their confirmed violation, once, with a reason."""

    required_capability = Capability.KPI_VIEW_OWN

    def get_object(self):
        return selectors.violation_visible(self.request.user, self.kwargs["pk"])

    @property
    def success_url(self):
        return reverse("compliance:violation", args=[self.kwargs["pk"]])

    def perform(self, violation):
        form = AppealForm(self.request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        review.violation_appeal(violation=violation, actor=self.request.user, reason=reason)
        return _("申诉已提交，会由另一位管理者处理。")


# --- rules -------------------------------------------------------------------------------------


class RuleListView(CapabilityRequiredMixin, TemplateView):
    required_capability = Capability.COMPLIANCE_REVIEW
    template_name = "compliance/rules.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            rules=Rule.objects.all(),
            allow_phrases=AllowPhrase.objects.all(),
            allow_form=AllowPhraseForm(),
            try_form=TryForm(),
            **kwargs,
        )


class RuleFormView(ServiceFormView):
    required_capability = Capability.COMPLIANCE_RULES
    template_name = "compliance/rule_form.html"
    form_class = RuleForm

    @cached_property
    def rule(self):
        return get_object_or_404(Rule, pk=self.kwargs["pk"]) if "pk" in self.kwargs else None

    def get_initial(self):
        if self.rule is None:
            return {}
        initial = {name: getattr(self.rule, name) for name in rules.FIELDS}
        initial["keywords"] = "\n".join(self.rule.keywords)
        initial["exceptions"] = "\n".join(self.rule.exceptions)
        return initial

    def get_context_data(self, **kwargs):
        return super().get_context_data(rule=self.rule, **kwargs)

    def perform(self, form):
        rule = rules.rule_save(rule=self.rule, **form.cleaned_data)
        messages.success(self.request, _("规则“%(name)s”已保存，新消息立即按它检测。") % {"name": rule.name})
        return redirect("compliance:rules")


class RuleDeleteView(ServiceActionView):
    required_capability = Capability.COMPLIANCE_RULES
    success_url = "compliance:rules"

    def get_object(self):
        return get_object_or_404(Rule, pk=self.kwargs["pk"])

    def perform(self, rule):
        rules.rule_delete(rule=rule)
        return _("已删除规则“%(name)s”。") % {"name": rule.name}


class RuleTryView(CapabilityRequiredMixin, TemplateView):
    """htmx: what a sample message triggers with the enabled rules, and why."""

    required_capability = Capability.COMPLIANCE_REVIEW
    template_name = "compliance/_try_result.html"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = TryForm(request.POST)
        hits = []
        if form.is_valid():
            hits = [
                (hit, Severity(hit.rule.severity).label, Category(hit.rule.category).label, reason_text(hit.reason))
                for hit in ruleset_build().scan(form.cleaned_data["text"], form.cleaned_data["direction"])
            ]
        return self.render_to_response(self.get_context_data(form=form, hits=hits))


class AllowPhraseAddView(ServiceFormView):
    required_capability = Capability.COMPLIANCE_RULES
    template_name = "compliance/rules.html"
    form_class = AllowPhraseForm

    def form_invalid(self, form):
        messages.error(self.request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("compliance:rules")

    def perform(self, form):
        rules.allow_phrase_add(**form.cleaned_data)
        messages.success(self.request, _("已加入白名单。"))
        return redirect("compliance:rules")


class AllowPhraseDeleteView(ServiceActionView):
    required_capability = Capability.COMPLIANCE_RULES
    success_url = "compliance:rules"

    def get_object(self):
        return get_object_or_404(AllowPhrase, pk=self.kwargs["pk"])

    def perform(self, phrase):
        rules.allow_phrase_delete(phrase=phrase)
        return _("已从白名单移除“%(phrase)s”。") % {"phrase": phrase.phrase}


class ComplianceSettingsView(ServiceFormView):
    required_capability = Capability.COMPLIANCE_RULES
    template_name = "compliance/settings.html"
    form_class = ComplianceSettingsForm

    def get_initial(self):
        settings = compliance_settings()
        return {"webhook_url": settings.webhook_url, "webhook_min_severity": settings.webhook_min_severity}

    def perform(self, form):
        data = form.cleaned_data
        if data["webhook_url"]:
            notify.webhook_url_check(data["webhook_url"])
        if self.request.POST.get("test") and data["webhook_url"]:
            try:
                notify.webhook_test(url=data["webhook_url"])
            except notify.DeliveryFailed as error:
                raise ValidationError(_("测试消息发送失败：%(error)s") % {"error": error}) from None
            messages.success(self.request, _("测试消息已发送，请到群里查看。"))
        rules.compliance_settings_update(**data)
        messages.success(self.request, _("合规提醒设置已保存。"))
        return redirect("compliance:settings")
