"""The API's lists of stored events and targets, narrowed by what the caller asked for."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from apps.common.querysets import narrowed
from apps.kpis.models import Event, Target


def events_list(
    *, kind: str = "", channel: str = "", day: date | None = None, member: int | None = None
) -> QuerySet[Event]:
    events = Event.objects.select_related("member", "campaign", "customer").order_by("-occurred_at", "-id")
    return narrowed(events, kind=kind, channel=channel, day=day, member_id=member)


def targets_list(*, metric: str = "", person: int | None = None, team: int | None = None) -> QuerySet[Target]:
    targets = Target.objects.order_by("-period_start", "metric", "id")
    return narrowed(targets, metric=metric, person_id=person, team_id=team)
