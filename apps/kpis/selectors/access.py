"""Whose figures a person may see: the whole brand (kpis.view_brand), the teams they lead, and
always themselves. Anything else is answered with 404, so ids cannot be probed."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404

from apps.kpis.models import Customer
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


def kpi_visibility(user) -> Visibility:
    if can(user, Capability.KPI_VIEW_BRAND):
        return Visibility(True, frozenset(Team.objects.values_list("pk", flat=True)), None)
    teams = frozenset(led_team_ids(user)) if can(user, Capability.KPI_VIEW_OWN) else frozenset()
    members = {user.pk} | member_ids_of_teams(teams) if can(user, Capability.KPI_VIEW_OWN) else set()
    return Visibility(False, teams, frozenset(members))


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
