"""The daily data report: its figures, the schedule in each brand's own time zone, one stored
report per day, regeneration after late data, deliveries retried and recorded."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection

from apps.compliance.services.messages import messages_ingest
from apps.compliance.services.review import violation_review
from apps.compliance.services.scanning import messages_scan
from apps.kpis.models import Target
from apps.reports.models import DailyLog, DailyReport, ReportDelivery
from apps.reports.selectors import report_settings
from apps.reports.services import reports
from apps.reports.services.build import report_build
from apps.reports.tasks import deliver_report, run_schedule
from apps.tenants.models import Brand

D = Decimal
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def yesterday(arena):
    return arena.today - timedelta(days=1)


def _local(day, hour, minute=0, zone=SHANGHAI):
    return datetime.combine(day, time(hour, minute), zone)


def test_the_report_compares_the_day_with_targets_the_day_before_last_week_and_the_month(arena, yesterday):
    month_start = yesterday.replace(day=1)
    Target.objects.create(
        person=arena.reps["r1"], metric="gmv", period_kind="month", period_start=month_start, value=D(3000)
    )
    arena.sell("r1", 200, day=yesterday)
    arena.sell("r1", 100, day=yesterday)
    arena.sell("r1", 150, day=yesterday - timedelta(days=7))
    if yesterday - timedelta(days=1) >= month_start:
        arena.sell("r1", 600, day=yesterday - timedelta(days=1))
    data = report_build(day=yesterday, time_zone="Asia/Shanghai")
    rep = next(section for section in data["reps"] if section["id"] == arena.reps["r1"].pk)
    gmv = rep["figures"]["gmv"]
    days_in_month = data["month"]["days"]
    assert (gmv["day"], gmv["week"], gmv["vs_week"]) == ("300", "150", "100")
    assert D(gmv["target"]) == (D(3000) / days_in_month).quantize(D("0.01"))  # targets are in cents
    mtd = (
        D(300)
        + (D(600) if yesterday - timedelta(days=1) >= month_start else 0)
        + (D(150) if yesterday - timedelta(days=7) >= month_start else 0)
    )
    assert D(gmv["mtd"]) == mtd and gmv["month_target"] == "3000"
    remaining = (month_start.replace(day=days_in_month) - yesterday).days
    if remaining:
        assert D(gmv["needed_per_day"]) == ((D(3000) - mtd) / remaining).quantize(D("0.000001"))
    north = next(t for t in data["teams"] if t["name"] == "北店")
    assert north["figures"]["gmv"]["day"] == "300" and north["reps"] == [arena.reps[r].pk for r in ("r1", "r2", "r3")]
    assert data["brand"]["figures"]["orders"]["day"] == "2"


def test_a_store_and_its_region_each_count_their_people(arena, yesterday):
    from apps.organisation.models import Team
    from apps.organisation.services import team_create

    region = team_create(name="北区", kind=Team.Kind.REGION)
    Team.objects.filter(pk=arena.teams["north"].pk).update(parent=region)
    arena.sell("r1", 200, day=yesterday)
    data = report_build(day=yesterday, time_zone="Asia/Shanghai")
    days = {team["name"]: team["figures"]["gmv"]["day"] for team in data["teams"]}
    assert days["北区"] == "200" and days["北店"] == "200" and days["南店"] == "0"


def test_sections_follow_the_team_tree_on_the_page_and_in_the_xlsx(arena, yesterday):
    from io import BytesIO

    from openpyxl import load_workbook

    from apps.organisation.models import Team
    from apps.organisation.services import team_create

    # Code-point order would be 华东大区, 华南大区, 北店, 南店, 和平店: the tree puts each region's stores under it.
    south_region = team_create(name="华南大区", kind=Team.Kind.REGION)
    east_region = team_create(name="华东大区", kind=Team.Kind.REGION)
    Team.objects.filter(pk=arena.teams["north"].pk).update(parent=south_region)
    Team.objects.filter(pk=arena.teams["south"].pk).update(parent=east_region)
    team_create(name="和平店", kind=Team.Kind.STORE, parent=south_region)
    data = report_build(day=yesterday, time_zone="Asia/Shanghai")
    order = [team["name"] for team in data["teams"]]
    assert order == ["华东大区", "南店", "华南大区", "北店", "和平店"]
    rep_teams = [section["team"] for section in data["reps"] if section["team"]]
    assert rep_teams == sorted(rep_teams, key=[team["id"] for team in data["teams"]].index)
    reports.report_generate(day=yesterday)
    ops = arena.brand.client("ops")
    page = ops.get(f"/reports/{yesterday.isoformat()}/")
    assert [team.name for team in page.context["view"].teams] == order
    html = page.content.decode()
    assert [html.index(f">{name}<") for name in order] == sorted(html.index(f">{name}<") for name in order)
    book = load_workbook(BytesIO(ops.get(f"/reports/{yesterday.isoformat()}/report.xlsx").content))
    labels = [row[0] for row in book["团队"].iter_rows(min_row=2, values_only=True)]
    assert list(dict.fromkeys(labels)) == order


def test_violations_logs_and_movers_are_in_the_report(arena, yesterday):
    at = _local(yesterday, 15).isoformat()
    _result, stored = messages_ingest(
        items=[
            {
                "message_id": "rv-1",
                "conversation_id": "c",
                "rep": arena.reps["r2"].email,
                "customer": "wm-9",
                "direction": "rep_to_customer",
                "sent_at": at,
                "text": "亲，私下转账给我更便宜",
            }
        ]
    )
    [violation] = messages_scan(message_ids=stored)
    violation_review(violation=violation, actor=arena.admin, action="confirm")
    DailyLog.objects.create(person=arena.reps["r1"], day=yesterday, done="做了", plan="计划")
    data = report_build(day=yesterday, time_zone="Asia/Shanghai")
    r2 = next(section for section in data["reps"] if section["id"] == arena.reps["r2"].pk)
    assert r2["violations"] == {"new": 1, "confirmed": 0}  # confirmed today, not on the reported day
    assert data["violations"][0]["matched"] == "私下转账"
    assert arena.reps["r1"].pk not in data["brand"]["missing_logs"]
    assert arena.reps["r2"].pk in data["brand"]["missing_logs"]
    today_data = report_build(day=arena.today, time_zone="Asia/Shanghai")
    assert today_data["brand"]["violations"]["confirmed"] == 1


def test_the_schedule_follows_each_brands_own_clock_and_sends_once(arena, yesterday, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert reports.reports_run_schedule(now=_local(arena.today, 8, 59)) == {"generated": None, "regenerated": []}
    assert not DailyReport.objects.exists()
    done = reports.reports_run_schedule(now=_local(arena.today, 9, 1))
    assert done["generated"] == yesterday.isoformat()
    report = DailyReport.objects.get(day=yesterday)
    assert report.delivered_at is not None
    sent = {message.to[0] for message in mail.outbox}
    assert {"admin@alpha.test", "ops@alpha.test"} <= sent  # managers; store leaders too when there are any
    assert reports.reports_run_schedule(now=_local(arena.today, 9, 2))["generated"] is None
    assert len(mail.outbox) == len(sent) and DailyReport.objects.count() == 1


def test_no_report_for_a_day_before_the_brand_existed(arena, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    signed_up = _local(arena.today, 9, 9)  # this morning
    Brand.objects.filter(schema_name=connection.schema_name).update(created_at=signed_up)
    assert reports.reports_run_schedule(now=_local(arena.today, 9, 30))["generated"] is None
    assert not DailyReport.objects.exists() and mail.outbox == []
    yesterday = arena.today - timedelta(days=1)
    arena.sell("r1", 99, day=yesterday)  # history brought in on day one: that day has a report
    assert reports.reports_run_schedule(now=_local(arena.today, 9, 31))["generated"] == yesterday.isoformat()


def test_a_brand_in_another_time_zone_gets_its_report_at_its_own_nine(arena, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    new_york = ZoneInfo("America/New_York")
    Brand.objects.filter(schema_name=connection.schema_name).update(time_zone="America/New_York")
    ny_today = datetime.now(new_york).date()
    assert reports.reports_run_schedule(now=_local(ny_today, 8, 30, new_york))["generated"] is None
    done = reports.reports_run_schedule(now=_local(ny_today, 9, 5, new_york))
    assert done["generated"] == (ny_today - timedelta(days=1)).isoformat()


def test_regenerating_replaces_the_report_and_late_data_makes_it_stale(arena, yesterday, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    reports.report_generate(day=yesterday)
    first = DailyReport.objects.get(day=yesterday)
    assert first.data["brand"]["figures"]["gmv"]["day"] == "0"
    arena.sell("r3", 880, day=yesterday)  # arrives late
    assert DailyReport.objects.get(day=yesterday).stale
    done = reports.reports_run_schedule(now=_local(arena.today, 8, 0))  # before the send time: no sending
    assert done["regenerated"] == [yesterday.isoformat()]
    report = DailyReport.objects.get(day=yesterday)
    assert (report.generations, report.stale, report.data["brand"]["figures"]["gmv"]["day"]) == (2, False, "880")
    assert report.generated_at > first.generated_at and DailyReport.objects.count() == 1
    assert mail.outbox == []


def test_a_failing_robot_is_retried_and_recorded_and_the_report_stays_readable(arena, yesterday, robot, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings_row = report_settings()
    settings_row.webhook_url = robot.url
    settings_row.save()
    report = reports.report_generate(day=yesterday)
    robot.answers = [(500, {}), (200, {"errcode": 93000, "errmsg": "invalid webhook url"})]
    result = deliver_report.apply(args=[report.pk])  # eager: the retries run at once
    assert result.successful()
    delivery = ReportDelivery.objects.get(report=report, channel="wecom")
    assert delivery.attempts == 3 and delivery.sent_at is not None and delivery.last_error == ""
    assert "数据日报" in robot.received[-1]["markdown"]["content"]
    emails = ReportDelivery.objects.filter(report=report, channel="email")
    assert all(d.attempts == 1 and d.sent_at for d in emails)  # sent once, not again on the robot's retries
    robot.answers = [(500, {})] * 20
    ReportDelivery.objects.filter(report=report, channel="wecom").update(sent_at=None)
    assert deliver_report.apply(args=[report.pk]).failed()
    failed = ReportDelivery.objects.get(report=report, channel="wecom")
    assert failed.sent_at is None and failed.attempts > 3 and "500" in failed.last_error
    assert arena.brand.client("admin").get(f"/reports/{yesterday.isoformat()}/").status_code == 200


def test_one_brands_failure_does_not_stop_another(alpha, beta, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    with alpha:
        row = report_settings()
        row.send_at = time(0, 0)  # due whatever the hour the suite runs at
        row.save()
        monkeypatch.setattr(reports, "report_build", broken)
        assert run_schedule.apply(kwargs={}).failed()
        monkeypatch.undo()
    with beta:
        beta_today = datetime.now(SHANGHAI).date()
        assert reports.reports_run_schedule(now=_local(beta_today, 9, 30))["generated"] is not None


def test_emails_carry_html_and_text_and_each_reader_only_their_part(arena, yesterday, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    row = report_settings()
    row.email_reps = True
    row.save()
    arena.sell("r1", 321, day=yesterday)
    arena.sell("r2", 654, day=yesterday)
    report = reports.report_generate(day=yesterday)
    reports.report_deliver(report_id=report.pk)
    by_person = {message.to[0]: message for message in mail.outbox}
    rep_mail = by_person["r1@alpha.test"]
    html = rep_mail.alternatives[0][0]
    assert "¥321.00" in rep_mail.body and "¥321.00" in html
    assert "¥654.00" not in html and "全品牌" not in html
    manager = by_person["ops@alpha.test"].alternatives[0][0]
    assert "全品牌" in manager and "¥975.00" in manager


def test_the_command_builds_a_days_report_without_sending_it(arena, settings):
    from django.core.management import call_command

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    day = arena.today - timedelta(days=3)
    call_command("generate_reports", arena.brand.brand.slug, "--day", day.isoformat())
    report = DailyReport.objects.get(day=day)
    assert report.delivered_at is None and mail.outbox == []


class RefusingSmtp:
    """An email backend whose server refuses everything (smtplib raises OSError subclasses)."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        import smtplib

        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_a_failing_mail_server_is_recorded_and_retried(arena, yesterday, settings):
    settings.EMAIL_BACKEND = "tests.reports.test_reports.RefusingSmtp"
    report = reports.report_generate(day=yesterday)
    assert deliver_report.apply(args=[report.pk]).failed()  # every retry refused
    deliveries = ReportDelivery.objects.filter(report=report, channel="email")
    assert deliveries and all(d.sent_at is None and d.attempts == 9 for d in deliveries)
    assert "unexpectedly closed" in deliveries[0].last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert deliver_report.apply(args=[report.pk]).successful()  # the server is back
    assert all(d.sent_at for d in ReportDelivery.objects.filter(report=report, channel="email"))


def test_each_reader_gets_the_email_in_the_language_they_picked(arena, yesterday, settings):
    from apps.accounts.models import User

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    User.objects.filter(email="ops@alpha.test").update(language="en")
    arena.sell("r1", 321, day=yesterday)
    report = reports.report_generate(day=yesterday)
    reports.report_deliver(report_id=report.pk)
    by_person = {message.to[0]: message for message in mail.outbox}
    english, chinese = by_person["ops@alpha.test"], by_person["admin@alpha.test"]
    assert english.subject.startswith("[") and "Daily report" in english.subject
    assert "数据日报" in chinese.subject
    assert "== Whole brand ==" in english.body and "GMV: ¥321.00" in english.body
    assert "全品牌" in chinese.alternatives[0][0]
