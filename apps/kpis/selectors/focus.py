"""What a KPI page or request is about (a person, a team or the brand, narrowed to a channel or a
campaign), and the customers a person may open: within what organisation.access lets them see."""

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
from apps.organisation.access import visibility_of, visible_member, visible_team
from apps.organisation.models import Team

User = get_user_model()


def visible_customer(user, pk: int) -> Customer:
    customer = get_object_or_404(Customer.objects.select_related("owner", "campaign"), pk=pk)
    if not visibility_of(user).sees_member(customer.owner_id):
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
    visibility = visibility_of(principal)
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
