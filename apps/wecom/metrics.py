"""WeCom's service figures in the KPI engine (services/behaviour.py reads them): chats, messages
sent, reply rate, average reply time, new contacts and negative feedback per rep and day, so they
work in figures, targets, scorecards, leaderboards and the daily report."""

from __future__ import annotations

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from apps.common.formatting import Unit
from apps.kpis.catalogue import Metric
from apps.kpis.extensions import metrics_source_register

SOURCE = "wecom_behaviour"
COLUMNS = {
    "wecom_chats": "chats",
    "wecom_messages": "messages",
    "wecom_replied_chats": "replied_chats",
    "wecom_reply_minutes": "reply_minutes",
    "wecom_new_applies": "new_applies",
    "wecom_new_contacts": "new_contacts",
    "wecom_negative_feedback": "negative_feedback",
}
# What the daily report shows of these, next to its own figures, once a brand has them.
REPORTED = ["reply_rate", "avg_reply_minutes", "wecom_chats"]


def _metrics() -> list[Metric]:
    def base(code, name, *, lower=False):
        return Metric(code, name, Unit.COUNT, lower_is_better=lower, source=SOURCE)

    return [
        base("wecom_chats", _("聊天数（企业微信）")),
        base("wecom_messages", _("发送消息数（企业微信）")),
        base("wecom_replied_chats", _("已回复聊天数")),
        base("wecom_reply_minutes", _("回复用时合计（分钟）"), lower=True),
        base("wecom_new_applies", _("主动申请加好友数")),
        base("wecom_new_contacts", _("新增客户数（企业微信）")),
        base("wecom_negative_feedback", _("删除/拉黑导购的客户数"), lower=True),
        Metric(
            "reply_rate",
            _("回复率"),
            Unit.PERCENT,
            formula="wecom_replied_chats / wecom_chats * 100",
            source="formula",
            flow=False,
        ),
        Metric(
            "avg_reply_minutes",
            _("平均首次回复时长（分钟）"),
            Unit.RATIO,
            lower_is_better=True,
            formula="wecom_reply_minutes / wecom_replied_chats",
            source="formula",
            flow=False,
        ),
    ]


def read(codes, scope, period, group) -> dict:
    from apps.kpis.selectors.metrics import grouped
    from apps.wecom.models import BehaviourDay

    wanted = {code: Sum(column) for code, column in COLUMNS.items() if code in codes}
    if not wanted or group in ("channel", "campaign") or scope.channel is not None or scope.campaign_id is not None:
        return {}  # a rep's service, not a channel's or a campaign's
    days = BehaviourDay.objects.filter(day__range=(period.start, period.end))
    if scope.member_ids is not None:
        days = days.filter(person_id__in=scope.member_ids)
    return grouped(days, group, member_field="person_id", day_field="day", **wanted)


def register() -> None:
    metrics_source_register(source=SOURCE, metrics=_metrics(), reader=read, reported=REPORTED)
