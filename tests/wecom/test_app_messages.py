"""Messages through the brand's WeCom app, sent to the simulator's message/send over HTTP: a
high-severity violation reaches the rep's store lead once, each manager gets their own part of
the daily report, reps without yesterday's log get one reminder before the cutoff; every message
is a row with its attempts, retried on a transient error and given up on someone WeCom cannot reach."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from apps.accounts.models import User
from apps.common.periods import brand_today
from apps.compliance.models import Violation
from apps.compliance.services.messages import messages_ingest
from apps.organisation.models import Team
from apps.reports.services.logs import log_save
from apps.reports.services.reports import reports_run_schedule
from apps.wecom.models import AppMessage, Member
from apps.wecom.services import app_messages
from apps.wecom.simulator.corp import Member as CorpMember
from apps.wecom.tasks import send_app_message

pytestmark = pytest.mark.django_db


@pytest.fixture
def corp(wecom, alpha):
    """alpha connected and synced: zhangsan is alpha's rep in 南京西路店, lisi leads that store,
    ops@alpha.test is in WeCom too."""
    wecom.corp.members["ops"] = CorpMember("ops", "运营", [1], email="ops@alpha.test")
    wecom.connect()
    assert wecom.sync().status == "done"
    with alpha:
        lisi = Member.objects.get(userid="lisi").person
        Team.objects.filter(name="南京西路店").update(leader=lisi)
    return wecom


def _person(alpha, userid: str) -> User:
    with alpha:
        return Member.objects.get(userid=userid).person


def _sent_to(wecom, userid: str) -> list[dict]:
    return [message for message in wecom.corp.sent if userid in message["touser"]]


def _rep_writes(alpha, capture, text: str, n: int = 1) -> list[Violation]:
    sent_at = timezone.now().astimezone(ZoneInfo("Asia/Shanghai")).isoformat()
    item = {
        "message_id": f"wx-{n}",
        "conversation_id": "c-1",
        "rep": "rep@alpha.test",
        "customer": "wm-1",
        "direction": "rep_to_customer",
        "sent_at": sent_at,
        "text": text,
    }
    with alpha, capture(execute=True):
        messages_ingest(items=[item])
    with alpha:
        return list(Violation.objects.filter(message__message_id=f"wx-{n}"))


def test_a_high_severity_violation_reaches_the_store_lead_once_even_when_sent_again(
    corp, alpha, django_capture_on_commit_callbacks
):
    violations = _rep_writes(alpha, django_capture_on_commit_callbacks, "你给我滚，别再烦我")
    assert [v.severity for v in violations] == ["high"]
    violation = violations[0]
    cards = _sent_to(corp, "lisi")
    assert len(cards) == 1 and corp.corp.sent == cards  # the lead, nobody else (not the rep, not ops)
    card = cards[0]["content"]
    assert cards[0]["msgtype"] == "textcard"
    assert card["url"].endswith(f"/compliance/violations/{violation.pk}/") and card["btntxt"] == "去审核"
    assert "导购：张三" in card["description"] and "滚" in card["description"]

    with alpha:
        message = AppMessage.objects.get()
        assert (message.status, message.attempts, message.person.full_name) == ("sent", 1, "李四")
        assert message.sent_at is not None and message.msgid
        # The task delivered again, the alert made again: the row says sent, nothing goes out.
        assert send_app_message.apply(args=[message.pk]).get() == "sent"
        assert app_messages.violations_alert(violations) == 0
        # A send whose answer was lost before the row was marked: WeCom's duplicate check holds.
        AppMessage.objects.filter(pk=message.pk).update(status="pending", sent_at=None)
        assert app_messages.message_send(message_id=message.pk) == "sent"
    assert len(_sent_to(corp, "lisi")) == 1

    lead = alpha.client_for(_person(alpha, "lisi").pk)
    assert lead.get(f"/compliance/violations/{violation.pk}/").status_code == 200


def test_a_medium_violation_or_a_rep_without_a_lead_sends_nothing(corp, alpha, django_capture_on_commit_callbacks):
    with alpha:
        Team.objects.update(leader=None)
    assert _rep_writes(alpha, django_capture_on_commit_callbacks, "你给我滚")
    assert corp.corp.sent == []
    with alpha:
        assert not AppMessage.objects.exists()


def test_the_card_escapes_what_people_wrote_and_keeps_to_wecoms_512_bytes():
    description = app_messages.card_description(
        [("normal", '导购：<a href="https://evil.example">点我</a>'), ("highlight", "命中：" + "骗" * 400)]
    )
    assert "<a " not in description and "&lt;a href=&quot;https://evil.example&quot;&gt;" in description
    assert len(description.encode()) <= 512
    assert description.endswith("…</div>") and description.count("<div") == description.count("</div>") == 2


def test_someone_wecom_cannot_reach_is_given_up_at_once_and_a_transient_error_is_retried(corp, alpha):
    cards = {
        _person(alpha, "wangwu").pk: app_messages.Card("t", [("normal", "x")], "https://alpha.example/", "看"),
        _person(alpha, "lisi").pk: app_messages.Card("t", [("normal", "y")], "https://alpha.example/", "看"),
    }
    del corp.corp.members["wangwu"]  # left WeCom since the last sync
    corp.corp.ip_allowed = False  # and WeCom refuses this server for now
    corp.corp.expire_tokens()
    with alpha:
        assert app_messages.messages_queue(purpose="report", key="2026-12-01", cards=cards) == 2
        gone, waiting = (AppMessage.objects.get(userid=userid) for userid in ("wangwu", "lisi"))
        with pytest.raises(app_messages.SendLater):
            app_messages.message_send(message_id=waiting.pk)
        waiting.refresh_from_db()
        assert (waiting.status, waiting.attempts) == ("pending", 1) and "IP" in waiting.last_error

        corp.corp.ip_allowed = True
        assert app_messages.message_send(message_id=gone.pk) == "failed"
        assert app_messages.message_send(message_id=waiting.pk) == "sent"
        gone.refresh_from_db()
        assert gone.attempts == 1 and "invaliduser" in gone.last_error
        assert app_messages.message_send(message_id=gone.pk) == "failed"  # not tried again
        gone.refresh_from_db()
        assert gone.attempts == 1
    assert [m["touser"] for m in corp.corp.sent] == [["lisi"]]


def test_a_lost_task_is_picked_up_by_the_sweep(corp, alpha):
    card = app_messages.Card("t", [("normal", "x")], "https://alpha.example/", "看")
    with alpha:
        app_messages.messages_queue(purpose="report", key="2026-12-01", cards={_person(alpha, "lisi").pk: card})
        assert app_messages.messages_lost_resend() == 0  # just made: its own task is on the way
        later = timezone.now() + timedelta(minutes=3)
        assert app_messages.messages_lost_resend(now=later) == 1


def test_each_manager_gets_their_own_part_of_the_daily_report_once(corp, alpha, django_capture_on_commit_callbacks):
    with alpha:
        zone = ZoneInfo(alpha.brand.time_zone)
        send_at = datetime.combine(brand_today(alpha.brand.time_zone), time(9, 5), zone)
        with django_capture_on_commit_callbacks(execute=True):
            assert reports_run_schedule(now=send_at)["generated"]
        with django_capture_on_commit_callbacks(execute=True):
            reports_run_schedule(now=send_at + timedelta(minutes=1))
    day = (send_at.date() - timedelta(days=1)).isoformat()
    ops, lead = _sent_to(corp, "ops"), _sent_to(corp, "lisi")
    assert len(ops) == 1 and len(lead) == 1 and _sent_to(corp, "zhangsan") == []
    assert ops[0]["content"]["title"] == lead[0]["content"]["title"] == f"数据日报 {day}"
    assert "阿尔法" in ops[0]["content"]["description"]
    assert "南京西路店" in lead[0]["content"]["description"] and "阿尔法<" not in lead[0]["content"]["description"]
    assert ops[0]["content"]["url"].endswith(f"/reports/{day}/")


def test_reps_without_yesterdays_log_get_one_reminder_before_the_cutoff(
    corp, alpha, django_capture_on_commit_callbacks
):
    with alpha:
        User.objects.update(date_joined=timezone.now() - timedelta(days=30))  # reps who were there yesterday
        zone = ZoneInfo(alpha.brand.time_zone)
        today = brand_today(alpha.brand.time_zone)
        yesterday = today - timedelta(days=1)
        zhangsan = _person(alpha, "zhangsan")
        log_save(
            person=zhangsan,
            day=yesterday,
            done="跟进 5 位客户",
            plan="回访",
            now=datetime.combine(today, time(8), zone),
        )

        assert app_messages.log_reminders_when_due(now=datetime.combine(today, time(8, 59), zone)) == 0
        with django_capture_on_commit_callbacks(execute=True):
            assert app_messages.log_reminders_when_due(now=datetime.combine(today, time(9, 0), zone)) == 2
        assert app_messages.log_reminders_when_due(now=datetime.combine(today, time(9, 30), zone)) == 0
    reminded = sorted(userid for message in corp.corp.sent for userid in message["touser"])
    assert reminded == ["lisi", "wangwu"]  # the reps without a log; not zhangsan, not ops (no rep)
    card = corp.corp.sent[0]["content"]
    assert card["url"].endswith(f"/logs/?day={yesterday.isoformat()}")
    assert f"{today:%m-%d} 10:00" in card["description"]


def test_the_reminder_window_ends_at_the_cutoff_and_may_start_the_evening_before(alpha):
    with alpha:
        zone = ZoneInfo(alpha.brand.time_zone)
        today = brand_today(alpha.brand.time_zone)
        at = lambda hour, minute=0, day=today: datetime.combine(day, time(hour, minute), zone)  # noqa: E731
        assert app_messages.log_day_due(at(9), 60) == today - timedelta(days=1)
        assert app_messages.log_day_due(at(9, 59), 60) == today - timedelta(days=1)
        assert app_messages.log_day_due(at(10), 60) is None
        assert app_messages.log_day_due(at(8, 59), 60) is None
        from apps.reports.models import ReportSettings

        ReportSettings.objects.update(log_cutoff=time(0, 30))
        assert app_messages.log_day_due(at(23, 45), 60) == today  # today's log closes at 00:30 tomorrow


def test_a_brand_admin_turns_messages_off_and_sees_every_message_sent(corp, alpha):
    admin = alpha.client("admin")
    page = admin.get("/settings/wecom/messages/")
    assert page.status_code == 200 and "还没有发送过应用消息" in page.content.decode()
    answer = admin.post(
        "/settings/wecom/messages/", {"send_reports": "on", "remind_logs": "on", "log_reminder_lead": "900"}
    )
    assert answer.status_code == 200 and "720" in answer.content.decode()  # the form says what is allowed
    admin.post("/settings/wecom/messages/", {"send_reports": "on", "log_reminder_lead": "30"})
    with alpha:
        connection = app_messages.connection_read()
        assert (connection.alert_violations, connection.remind_logs, connection.log_reminder_lead) == (False, False, 30)
        assert app_messages.violations_alert(Violation.objects.all()) == 0
    assert alpha.client("rep").get("/settings/wecom/messages/").status_code == 403
    assert alpha.client("ops").get("/settings/wecom/messages/").status_code == 403
