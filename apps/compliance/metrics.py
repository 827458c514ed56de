"""Compliance in the KPI engine: confirmed violations (all, and per category) and messages sent,
per person and day, so they work in figures, targets, scorecards, leaderboards and reports."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from apps.common.formatting import Unit
from apps.kpis.catalogue import Metric
from apps.kpis.extensions import metrics_source_register

SOURCE = "compliance"
CATEGORY_METRICS = {
    "insult": ("violations_insult", _("违规：辱骂客户")),
    "private_order": ("violations_private_order", _("违规：私单")),
    "flying_order": ("violations_flying_order", _("违规：飞单")),
    "personal_data": ("violations_personal_data", _("违规：个人信息")),
    "forbidden_promise": ("violations_forbidden_promise", _("违规：违规承诺")),
    "competitor": ("violations_competitor", _("违规：竞品撬单")),
}


def _metrics() -> list[Metric]:
    base = [
        Metric("violations", _("确认违规数"), Unit.COUNT, lower_is_better=True, source=SOURCE),
        Metric("messages_sent", _("导购发出消息数"), Unit.COUNT, source=SOURCE),
        *(
            Metric(code, name, Unit.COUNT, lower_is_better=True, source=SOURCE)
            for code, name in CATEGORY_METRICS.values()
        ),
    ]
    rate = Metric(
        "violation_rate",
        _("违规率（每千条消息）"),
        Unit.RATIO,
        lower_is_better=True,
        formula="violations / messages_sent * 1000",
        source="formula",
        flow=False,
    )
    return [*base, rate]


def read(codes, scope, period, group) -> dict:
    from apps.compliance.models import Message, Violation
    from apps.kpis.selectors.metrics import grouped

    if group in ("channel", "campaign") or scope.channel is not None or scope.campaign_id is not None:
        return {}  # violations are a person's, not a channel's or a campaign's
    rows: dict = {}
    confirmed = Violation.objects.filter(status__in=Violation.COUNTED, day__range=(period.start, period.end))
    if scope.member_ids is not None:
        confirmed = confirmed.filter(rep_id__in=scope.member_ids)
    counts = {}
    if "violations" in codes:
        counts["violations"] = Count("message", distinct=True)  # one message, one violation
    for category, (code, _name) in CATEGORY_METRICS.items():
        if code in codes:
            counts[code] = Count("message", distinct=True, filter=Q(category=category))
    if counts:
        for key, values in grouped(confirmed, group, member_field="rep_id", day_field="day", **counts).items():
            rows.setdefault(key, {}).update(values)
    if "messages_sent" in codes:
        sent = Message.objects.filter(
            direction=Message.Direction.REP_TO_CUSTOMER, day__range=(period.start, period.end)
        )
        if scope.member_ids is not None:
            sent = sent.filter(rep_id__in=scope.member_ids)
        for key, values in grouped(
            sent, group, member_field="rep_id", day_field="day", messages_sent=Count("pk")
        ).items():
            rows.setdefault(key, {}).update(values)
    return rows


def register() -> None:
    metrics_source_register(source=SOURCE, metrics=_metrics(), reader=read)
