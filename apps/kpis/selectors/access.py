"""Whose figures a person may see: the whole brand (kpis.view_brand), the teams they lead, and
always themselves. Anything else is answered with 404, so ids cannot be probed."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from apps.kpis.catalogue import Channel
from apps.kpis.models import Campaign, Customer
from apps.kpis.selectors.metrics import Scope
from apps.kpis.selectors.targets import Subject
from apps.organisation.models import Team
from apps.organisation.roles import Capability, can
from apps.organisation.selectors import led_team_ids, member_ids_of_teams

User = get_user_model()


@dataclass(frozen=True)
class Visibility:
    brand_wide: bool
    team_ids: frozenset[int]
    member_ids: frozenset[int] | None  # None: everyone

    def sees_member(self, pk: int | None) -> bool:
        return self.member_ids is None or pk in self.member_ids

    def sees_team(self, pk: int) -> bool:
        return self.brand_wide or pk in self.team_ids


def kpi_visibility(principal) -> Visibility:
    """For a person, or an API key (which has no self and leads no team)."""
    if can(principal, Capability.KPI_VIEW_BRAND):
        return Visibility(True, frozenset(Team.objects.values_list("pk", flat=True)), None)
    if not isinstance(principal, User) or not can(principal, Capability.KPI_VIEW_OWN):
        return Visibility(False, frozenset(), frozenset())
    teams = frozenset(led_team_ids(principal))
    return Visibility(False, teams, frozenset({principal.pk} | member_ids_of_teams(teams)))


def visible_member(user, pk: int):
    if not kpi_visibility(user).sees_member(pk):
        raise Http404
    return get_object_or_404(User.objects.select_related("membership__team"), pk=pk)


def visible_team(user, pk: int) -> Team:
    if not kpi_visibility(user).sees_team(pk):
        raise Http404
    return get_object_or_404(Team.objects.select_related("parent", "leader"), pk=pk)


def visible_customer(user, pk: int) -> Customer:
    customer = get_object_or_404(Customer.objects.select_related("owner", "campaign"), pk=pk)
    if not kpi_visibility(user).sees_member(customer.owner_id):
        raise Http404
    return customer


@dataclass(frozen=True)
class Focus:
    """What a KPI page or request is about: a scope for the figures, a subject for the targets."""

    scope: Scope
    subject: Subject
    label: str
    team: Team | None = None
    member: object | None = None


def focus_from_params(principal, params) -> Focus:
    """?member=<id> | ?team=<id> | neither (the brand, or oneself for those who only see their own),
    plus optional ?channel=<code> and ?campaign=<id>. Unseen people and teams are 404."""
    visibility = kpi_visibility(principal)
    channel = params.get("channel") or None
    if channel is not None and channel not in Channel.values:
        raise ValidationError({"channel": _("未知渠道：%(code)s") % {"code": channel}})
    campaign_id = _int_param(params, "campaign")
    if campaign_id is not None and not Campaign.objects.filter(pk=campaign_id).exists():
        raise Http404
    narrow = {"channel": channel, "campaign_id": campaign_id}
    member_id, team_id = _int_param(params, "member"), _int_param(params, "team")
    if member_id is None and team_id is None and not visibility.brand_wide and isinstance(principal, User):
        member_id = principal.pk
    if member_id is not None:
        member = visible_member(principal, member_id)
        return Focus(
            Scope.member(member.pk).narrowed(**narrow), Subject("person", member.pk), str(member), member=member
        )
    if team_id is not None:
        team = visible_team(principal, team_id)
        return Focus(Scope.team(team.pk).narrowed(**narrow), Subject("team", team.pk), team.name, team=team)
    if not visibility.brand_wide:
        raise Http404
    return Focus(Scope.brand().narrowed(**narrow), Subject.brand(), _("全品牌"))


def _int_param(params, name: str) -> int | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError({name: _("应为整数编号。")}) from None
