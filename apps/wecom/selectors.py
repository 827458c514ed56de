"""Reads for the WeCom pages: the connection as the page shows it (secrets as their last four
characters), sync runs, channel codes with what each brought, handovers and removal alerts as
far as the viewer may see."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection as db
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from apps.common.sealed import Unsealable, last_four, unseal
from apps.kpis.models import Customer, CustomerDay
from apps.organisation.access import Visibility
from apps.tenants.selectors import current_brand
from apps.wecom.models import (
    AppMessage,
    ChannelCode,
    Connection,
    ExternalContact,
    Follow,
    Handover,
    RemovalAlert,
    SyncRun,
)

SECRET_FIELDS = ("app_secret", "contact_secret", "callback_token", "callback_aes_key")


def connection_read() -> Connection:
    return Connection.objects.get(pk=1)


def app_messages_recent(limit: int = 100) -> QuerySet[AppMessage]:
    return AppMessage.objects.select_related("person").order_by("-created_at", "-pk")[:limit]


def secrets_shown(connection: Connection) -> dict[str, str]:
    """Each stored secret as its last four characters ("" when not set)."""
    shown = {}
    for name in SECRET_FIELDS:
        try:
            shown[name] = last_four(unseal(getattr(connection, name)))
        except Unsealable:
            shown[name] = "?"
    return shown


def runs_recent(limit: int = 10) -> QuerySet[SyncRun]:
    return SyncRun.objects.all()[:limit]


def run_running() -> SyncRun | None:
    return SyncRun.objects.filter(status=SyncRun.Status.RUNNING).first()


@dataclass(frozen=True)
class CodeFigures:
    code: ChannelCode
    adds: int
    deletions: int
    conversions: int
    gmv: Decimal

    @property
    def net(self) -> int:
        return self.adds - self.deletions

    @property
    def roi(self) -> Decimal | None:
        """As for campaigns: (GMV − cost) / cost."""
        cost = self.code.cost
        return ((self.gmv - cost) / cost).quantize(Decimal("0.01")) if cost else None


_CODE_FIGURES = f"""
    SELECT f.state,
           count(*) AS adds,
           count(*) FILTER (WHERE f.removed_at IS NOT NULL OR f.lost_at IS NOT NULL) AS deletions,
           count(DISTINCT c.id) FILTER (WHERE o.orders > 0) AS conversions,
           coalesce(sum(o.gmv), 0) AS gmv
    FROM {Follow._meta.db_table} f
    JOIN {ExternalContact._meta.db_table} e ON e.id = f.contact_id
    LEFT JOIN {Customer._meta.db_table} c ON c.ref = e.external_userid
    LEFT JOIN LATERAL (
        SELECT sum(d.orders) AS orders, sum(d.gmv) AS gmv FROM {CustomerDay._meta.db_table} d
        WHERE d.customer_id = c.id AND d.day >= (f.added_at AT TIME ZONE %(tz)s)::date
    ) o ON true
    WHERE f.state = ANY(%(states)s)
    GROUP BY f.state
"""  # noqa: S608 (table names are ours)


def codes_with_figures(*, include_removed: bool = False) -> list[CodeFigures]:
    """Every code with its adds, deletions, conversions (customers who ordered after adding
    through it) and their GMV since, in one query for all codes."""
    chosen = ChannelCode.objects.select_related("campaign", "team", "created_by").prefetch_related("people")
    if not include_removed:
        chosen = chosen.filter(removed_at__isnull=True)
    codes = list(chosen)
    figures: dict[str, tuple] = {}
    if codes:
        with db.cursor() as cursor:
            cursor.execute(_CODE_FIGURES, {"tz": current_brand().time_zone, "states": [c.state for c in codes]})
            figures = {row[0]: row[1:] for row in cursor.fetchall()}
    return [CodeFigures(code, *figures.get(code.state, (0, 0, 0, Decimal(0)))) for code in codes]


def handovers_open(visibility: Visibility) -> QuerySet[Handover]:
    handovers = Handover.objects.filter(resolved_at__isnull=True).select_related("person")
    if visibility.member_ids is not None:
        handovers = handovers.filter(person_id__in=visibility.member_ids)
    return handovers


def contact_names(external_userids) -> dict[str, str]:
    return dict(
        ExternalContact.objects.filter(external_userid__in=set(external_userids)).values_list("external_userid", "name")
    )


def alerts_for(visibility: Visibility, viewer_id: int) -> QuerySet[RemovalAlert]:
    """Reps deleting customers, for whoever leads them (never the rep's own)."""
    alerts = RemovalAlert.objects.select_related("rep").exclude(rep_id=viewer_id)
    if visibility.member_ids is not None:
        alerts = alerts.filter(rep_id__in=visibility.member_ids)
    return alerts


def alerts_unseen_count(visibility: Visibility, viewer_id: int) -> int:
    return alerts_for(visibility, viewer_id).filter(seen_at__isnull=True).count()


STEP_LABELS = {
    "departments": _("部门 → 团队"),
    "members": _("成员 → 人员"),
    "contacts": _("客户（按导购逐位读取）"),
    "groups": _("客户群"),
    "behaviour": _("服务数据（按导购逐位读取）"),
}
# What a run changed, in the words of the per-run report (keys the services count).
COUNT_LABELS = {
    "teams_new": _("新建团队"),
    "teams_updated": _("更新团队"),
    "people_new": _("新建人员"),
    "people_matched": _("匹配到已有人员"),
    "people_updated": _("人员改名"),
    "people_moved": _("人员调岗"),
    "people_left": _("离职停用"),
    "people_back": _("重新启用"),
    "contacts_read": _("读取客户关系"),
    "adds_new": _("新增加粉"),
    "adds_known": _("已有（未重复计）"),
    "fans_removed": _("导购删客户"),
    "fans_lost": _("客户删导购"),
    "follows_gone": _("已不在好友列表"),
    "groups_new": _("新建客户群"),
    "groups_dismissed": _("解散的群"),
    "group_moves": _("进群/退群"),
    "events_refused": _("未能记录的事件"),
    "behaviour_days": _("服务数据（人·天）"),
}


@dataclass(frozen=True)
class StepView:
    name: str
    label: str
    done: int
    total: int
    current: bool
    errors: list

    @property
    def percent(self) -> int:
        return 100 if self.total and self.done >= self.total else int(100 * self.done / self.total) if self.total else 0


def run_steps(run: SyncRun) -> list[StepView]:
    return [
        StepView(
            name=step,
            label=str(STEP_LABELS[step]),
            done=int((run.progress.get(step) or {}).get("done") or 0),
            total=int((run.progress.get(step) or {}).get("total") or 0),
            current=run.status == SyncRun.Status.RUNNING and run.step == step,
            errors=[e for e in run.errors if e.get("step") == step],
        )
        for step in SyncRun.STEPS
    ]


def run_report(run: SyncRun) -> list[tuple[str, int]]:
    return [(str(label), run.counts[key]) for key, label in COUNT_LABELS.items() if run.counts.get(key)]
