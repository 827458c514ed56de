"""Reps' service figures from WeCom's get_user_behavior_data: backfilled on connect, paged in the
documented 30-day spans within 180 days, summed so rates add up over days and people, and shown
in the catalogue, the rep's scorecard and the daily report."""

from datetime import timedelta
from decimal import Decimal

import pytest

from apps.common.periods import Period
from apps.kpis.selectors.metrics import Scope, metric_values, metrics_registry
from apps.kpis.selectors.targets import scorecard
from apps.reports.services.reports import report_generate
from apps.wecom.models import BehaviourDay, Member
from apps.wecom.services.behaviour import wecom_today

pytestmark = pytest.mark.django_db

CALL = "externalcontact/get_user_behavior_data"


def _day(figures: dict) -> dict:
    return {"message_cnt": 0, "negative_feedback_cnt": 0, "new_apply_cnt": 0, "new_contact_cnt": 0, **figures}


def _calls(wecom) -> int:
    return sum(1 for path in wecom.corp.calls if path == CALL)


def test_connecting_backfills_thirty_days_per_rep_in_one_span_each(wecom, alpha):
    wecom.connect()
    run = wecom.sync()
    assert run.status == "done", run.errors
    yesterday = wecom_today() - timedelta(days=1)
    with alpha:
        people = set(Member.objects.values_list("person_id", flat=True))
        days = BehaviourDay.objects.filter(person_id=alpha.rep_id)
        assert days.count() == 30
        assert {d.day for d in days} == {yesterday - timedelta(days=n) for n in range(30)}
        assert set(BehaviourDay.objects.values_list("person_id", flat=True)) == people
    assert _calls(wecom) == 3  # zhangsan, lisi, wangwu: one 30-day span each
    assert run.counts["behaviour_days"] == 90


def test_reply_rate_and_reply_time_add_up_as_chats_not_as_percentages(wecom, alpha):
    yesterday = wecom_today() - timedelta(days=1)
    before = yesterday - timedelta(days=1)
    wecom.corp.behaviour[("zhangsan", yesterday)] = _day({"chat_cnt": 10, "reply_percentage": 50, "avg_reply_time": 4})
    wecom.corp.behaviour[("zhangsan", before)] = _day({"chat_cnt": 30, "reply_percentage": 100, "avg_reply_time": 2})
    wecom.connect()
    assert wecom.sync().status == "done"
    with alpha:
        values = metric_values(
            ["reply_rate", "avg_reply_minutes", "wecom_chats"],
            Scope.member(alpha.rep_id),
            Period.custom(before, yesterday),
            registry=metrics_registry(),
        )
    assert values["wecom_chats"] == 40
    assert values["reply_rate"] == Decimal("87.5")  # (5 + 30) / 40, not (50 % + 100 %) / 2
    assert round(values["avg_reply_minutes"], 2) == Decimal("2.29")  # (5 × 4 + 30 × 2) / 35


def test_a_later_sync_reads_from_the_last_day_in_thirty_day_spans(wecom, alpha):
    wecom.connect()
    assert wecom.sync().status == "done"
    last = wecom_today() - timedelta(days=66)
    with alpha:
        BehaviourDay.objects.all().delete()
        BehaviourDay.objects.create(person_id=alpha.rep_id, day=last)
    wecom.corp.calls.clear()
    run = wecom.sync()  # the simulator refuses a span over 30 days, as WeCom does
    assert run.status == "done", run.errors
    assert _calls(wecom) == 3 * 3  # 66 days: 30 + 30 + 6, for each of the three reps
    with alpha:
        assert BehaviourDay.objects.filter(person_id=alpha.rep_id, day__gte=last).count() == 66


def test_nothing_is_asked_for_before_wecom_s_180_days(wecom, alpha):
    wecom.connect()
    assert wecom.sync().status == "done"
    with alpha:
        BehaviourDay.objects.all().delete()
        BehaviourDay.objects.create(person_id=alpha.rep_id, day=wecom_today() - timedelta(days=400))
    run = wecom.sync()  # the simulator refuses a start more than 180 days ago
    assert run.status == "done", run.errors
    with alpha:
        oldest = BehaviourDay.objects.filter(day__gt=wecom_today() - timedelta(days=400)).order_by("day").first()
        assert oldest.day == wecom_today() - timedelta(days=180)


def test_the_metrics_are_in_the_catalogue(wecom, alpha):
    page = alpha.client("admin").get("/kpis/metrics/").content.decode()
    for name in ("回复率", "平均首次回复时长（分钟）", "聊天数（企业微信）", "删除/拉黑导购的客户数"):
        assert name in page


def test_the_first_service_figures_put_the_reply_rate_on_the_rep_s_scorecard(wecom, alpha):
    from apps.accounts.models import User
    from apps.kpis.models import StageWeight

    with alpha:
        StageWeight.objects.create(stage="startup", role="sales_rep", metric="reply_rate", weight=25)
    wecom.connect()
    wecom.sync()
    with alpha:  # a weight the admin set is kept; the other stages get the default
        assert dict(StageWeight.objects.filter(metric="reply_rate").values_list("stage", "weight")) == {
            "startup": 25,
            "growth": 10,
            "steady": 10,
        }
        rep = User.objects.get(pk=alpha.rep_id)
        yesterday = wecom_today() - timedelta(days=1)
        card = scorecard(person=rep, role="sales_rep", period=Period.custom(yesterday - timedelta(days=6), yesterday))
        line = next(line for line in card.lines if line.figure.metric.code == "reply_rate")
        assert line.weight == 10 and line.figure.actual is not None


def test_the_daily_report_shows_reply_figures_only_for_a_brand_that_has_them(wecom, alpha, beta):
    wecom.connect()
    assert wecom.sync().status == "done"
    yesterday = wecom_today() - timedelta(days=1)
    with alpha:
        report = report_generate(day=yesterday)
        rep = next(r for r in report.data["reps"] if r["id"] == alpha.rep_id)
    assert "reply_rate" in report.data["figures"]
    assert rep["figures"]["reply_rate"]["day"] is not None
    page = alpha.client("admin").get(f"/reports/{yesterday.isoformat()}/").content.decode()
    assert "回复率" in page
    with beta:
        assert "reply_rate" not in report_generate(day=yesterday).data["figures"]
