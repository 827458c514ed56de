"""Whose rows a person sees, beside what they may do (the role map in roles.py): the whole brand
(kpis.view_brand), the teams they lead and always themselves. Anything else is answered with 404
by the callers, so ids cannot be probed."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404

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


def visibility_of(principal) -> Visibility:
    """For a person, or an API key (which has no self and leads no team)."""
    if can(principal, Capability.KPI_VIEW_BRAND):
        return Visibility(True, frozenset(Team.objects.values_list("pk", flat=True)), None)
    if not isinstance(principal, User) or not can(principal, Capability.KPI_VIEW_OWN):
        return Visibility(False, frozenset(), frozenset())
    teams = frozenset(led_team_ids(principal))
    return Visibility(False, teams, frozenset({principal.pk} | member_ids_of_teams(teams)))


def visible_member(principal, pk: int):
    if not visibility_of(principal).sees_member(pk):
        raise Http404
    return get_object_or_404(User.objects.select_related("membership__team"), pk=pk)


def visible_team(principal, pk: int) -> Team:
    if not visibility_of(principal).sees_team(pk):
        raise Http404
    return get_object_or_404(Team.objects.select_related("parent", "leader"), pk=pk)


def may_review(user, rep_id: int) -> bool:
    """A rep's compliance findings are reviewed by the brand's reviewers or the lead of the rep's
    team; never by the rep themselves."""
    if not isinstance(user, User) or rep_id == user.pk:
        return False
    if can(user, Capability.COMPLIANCE_REVIEW):
        return True
    return rep_id in member_ids_of_teams(led_team_ids(user))
