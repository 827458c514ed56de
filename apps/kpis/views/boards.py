"""KPI boards: the brand, a team, a person, a customer, and the events behind a figure."""

from __future__ import annotations

from dataclasses import replace

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from apps.common.schemas import brand_of
from apps.common.web import PeriodMixin
from apps.kpis.catalogue import BRAND_WIDE_ROLES, ROLE_KPIS, TEAM_COLUMNS
from apps.kpis.selectors import customers as customer_selectors
from apps.kpis.selectors.boards import breakdown, headlines, trend_chart
from apps.kpis.selectors.focus import Focus, focus_from_params, visible_customer
from apps.kpis.selectors.metrics import Scope, metrics_registry
from apps.kpis.selectors.targets import kpi_settings, scorecard
from apps.organisation.access import visibility_of
from apps.organisation.permissions import CapabilityRequiredMixin
from apps.organisation.roles import ROLE_HOMES, Capability, Role
from apps.organisation.selectors import led_team_ids

TREND_METRICS = ["gmv", "fans_added"]


class BoardView(CapabilityRequiredMixin, PeriodMixin, TemplateView):
    """A focus (brand, team, person) over a period: figures, trend, breakdown."""

    required_capability = Capability.KPI_VIEW_OWN
    template_name = "kpis/board.html"

    def focus(self) -> Focus:
        raise NotImplementedError

    @cached_property
    def registry(self):
        return metrics_registry()

    def metric_codes(self, focus: Focus) -> list[str]:
        asked = [c for value in self.request.GET.getlist("metrics") for c in value.split(",") if c in self.registry]
        if asked:
            return asked
        if focus.member is not None:
            return ROLE_KPIS.get(_primary_role(focus.member) or Role.SALES_REP, ROLE_KPIS[Role.SALES_REP])
        return [*TEAM_COLUMNS, "repurchase_rate"]

    def get_context_data(self, **kwargs):
        focus = self.focus()
        settings = kpi_settings()
        codes = self.metric_codes(focus)
        visibility = visibility_of(self.request.user)
        judged = _answerable(focus)
        trend = trend_chart("trend", _("每日趋势"), TREND_METRICS, judged.scope, self.period, self.registry, self.today)
        context = super().get_context_data(
            focus=focus,
            headlines=headlines(codes, judged, self.period, self.today, self.registry, settings),
            trend=trend.as_json(brand_of(self.request).currency),
            breakdown=breakdown(focus, self.period, TEAM_COLUMNS, visibility, self.today, self.registry, settings),
            trail=_trail(focus),
            metric_choices=sorted(self.registry.values(), key=lambda m: m.code),
            chosen_metrics=codes,
            **kwargs,
        )
        return context


def _primary_role(person) -> str | None:
    return next((role for role, _cap, _url in ROLE_HOMES if role in person.roles), None)


def _answerable(focus: Focus) -> Focus:
    """A person is judged on what their main role answers for: the brand's figures for an ops
    manager or a planner, their own for a rep or a copywriter."""
    if focus.member is not None and _primary_role(focus.member) in BRAND_WIDE_ROLES:
        return replace(focus, scope=Scope.brand())
    return focus


def _trail(focus: Focus) -> list:
    """Brand › region › store (› person): where this board sits, each step a link."""
    team = focus.team or (getattr(getattr(focus.member, "membership", None), "team", None) if focus.member else None)
    chain: list = []
    while team is not None:
        chain.insert(0, team)
        team = team.parent
    return chain


class BrandBoardView(BoardView):
    """The brand's figures for those who see the whole brand; others go to what they do see."""

    def get(self, request, *args, **kwargs):
        if not visibility_of(request.user).brand_wide:
            teams = sorted(led_team_ids(request.user))
            query = request.GET.urlencode()
            url = reverse("kpis:team", args=[teams[0]]) if teams else reverse("kpis:person", args=[request.user.pk])
            return redirect(url + (f"?{query}" if query else ""))
        return super().get(request, *args, **kwargs)

    def focus(self) -> Focus:
        return focus_from_params(self.request.user, {})


class TeamBoardView(BoardView):
    def focus(self) -> Focus:
        return focus_from_params(self.request.user, {"team": self.kwargs["pk"]})


class PersonBoardView(BoardView):
    template_name = "kpis/person_board.html"

    def focus(self) -> Focus:
        return focus_from_params(self.request.user, {"member": self.kwargs["pk"]})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = context["focus"].member
        settings = kpi_settings()
        context["scorecards"] = [
            scorecard(
                person=person,
                role=role,
                period=self.period,
                registry=self.registry,
                settings=settings,
                today=self.today,
            )
            for role in person.roles
        ]
        context["stage_label"] = settings.get_stage_display()
        context["follow_ups"] = customer_selectors.follow_ups_due(member_id=person.pk, today=self.today)
        context["customers"] = customer_selectors.scope_customers(
            Scope.member(person.pk), self.period.start, self.period.end
        )[:20]
        context["events"] = customer_selectors.scope_events(
            Scope.member(person.pk), self.period.start, self.period.end
        )[:20]
        return context


class CustomerView(CapabilityRequiredMixin, TemplateView):
    required_capability = Capability.KPI_VIEW_OWN
    template_name = "kpis/customer.html"

    def get_context_data(self, **kwargs):
        customer = visible_customer(self.request.user, self.kwargs["pk"])
        return super().get_context_data(
            customer=customer, events=customer_selectors.customer_events(customer)[:200], **kwargs
        )


class EventListView(CapabilityRequiredMixin, PeriodMixin, ListView):
    """The events behind a figure: ?member= or ?team= (or the brand), over the period."""

    required_capability = Capability.KPI_VIEW_OWN
    template_name = "kpis/events.html"
    context_object_name = "events"
    paginate_by = 50

    @cached_property
    def focus(self) -> Focus:
        return focus_from_params(self.request.user, self.request.GET)

    def get_queryset(self):
        events = customer_selectors.scope_events(self.focus.scope, self.period.start, self.period.end)
        kind = self.request.GET.get("kind")
        return events.filter(kind=kind) if kind else events

    def get_context_data(self, **kwargs):
        return super().get_context_data(focus=self.focus, subject_kind=self.focus.subject.kind, **kwargs)
