"""Report pages and downloads as each reader sees them; reps' daily logs with their cutoff and
managers' comments; the meeting view."""

import io
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from apps.organisation.models import Team
from apps.reports.models import DailyLog, LogComment
from apps.reports.services import reports
from apps.reports.services.logs import log_save

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def reported(arena):
    """Yesterday's report, with r1 leading the north store (whose leader is r1)."""
    yesterday = arena.today - timedelta(days=1)
    Team.objects.filter(pk=arena.teams["north"].pk).update(leader=arena.reps["r1"])
    arena.sell("r2", 111, day=yesterday)
    arena.sell("r5", 555, day=yesterday)
    reports.report_generate(day=yesterday)
    return yesterday


def test_each_reader_sees_their_part(arena, reported):
    url = f"/reports/{reported.isoformat()}/"
    manager = arena.brand.client("ops").get(url)
    assert manager.status_code == 200
    seen = manager.context["view"]
    assert seen.brand is not None and {t.name for t in seen.teams} == {"北店", "南店"} and len(seen.reps) >= 6
    lead = arena.brand.client_for(arena.reps["r1"].pk).get(url).context["view"]
    assert lead.brand is None and [t.name for t in lead.teams] == ["北店"]
    assert {r.name for r in lead.reps} == {"导购1", "导购2", "导购3"}
    rep = arena.brand.client_for(arena.reps["r5"].pk).get(url)
    view = rep.context["view"]
    assert view.own is not None and view.own.name == "导购5" and view.own.figure("gmv").day == 555
    page = rep.content.decode()
    assert "¥555.00" in page and "¥111.00" not in page  # (names may appear in the public GMV ranking)
    assert [r.name for r in view.reps] == ["导购5"] and view.violations == []


def test_downloads_hold_what_the_reader_may_see(arena, reported):
    xlsx = arena.brand.client("ops").get(f"/reports/{reported.isoformat()}/report.xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(xlsx.content))
    assert {"全品牌", "团队", "导购"} <= set(book.sheetnames)
    names = {row[0] for row in book["导购"].iter_rows(min_row=2, values_only=True)}
    assert {"导购2", "导购5"} <= names
    mine = load_workbook(
        io.BytesIO(
            arena.brand.client_for(arena.reps["r5"].pk).get(f"/reports/{reported.isoformat()}/report.xlsx").content
        )
    )
    assert "全品牌" not in mine.sheetnames and {r[0] for r in mine["导购"].iter_rows(min_row=2, values_only=True)} == {
        "导购5"
    }
    pdf = arena.brand.client("ops").get(f"/reports/{reported.isoformat()}/report.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF") and len(pdf.content) > 2000


def test_xlsx_figures_are_numbers_formatted_as_the_page_shows_them(arena, reported):
    view = arena.brand.client_for(arena.reps["r5"].pk).get(f"/reports/{reported.isoformat()}/").context["view"]
    book = load_workbook(
        io.BytesIO(
            arena.brand.client_for(arena.reps["r5"].pk).get(f"/reports/{reported.isoformat()}/report.xlsx").content
        )
    )
    rows = {row[1].value: row for row in book["导购"].iter_rows(min_row=2)}
    gmv = rows[str(view.own.figure("gmv").metric.name)]
    assert gmv[2].value == 555 and isinstance(gmv[2].value, (int, float)) and "¥" in gmv[2].number_format
    for row in rows.values():
        for cell in row[2:]:
            assert cell.value is None or isinstance(cell.value, (int, float)), (row[1].value, cell.value)
    # An achievement shown truncated on the page is the same digit in the workbook.
    from apps.common.formatting import achievement_text

    for line in view.own.figures:
        if line.rate is not None:
            cell = rows[str(line.metric.name)][4]
            assert cell.number_format == "0.0%"
            assert f"{cell.value * 100:,.1f}%" == achievement_text(line.rate)


def test_one_rounding_rule_for_values_and_one_for_achievements():
    from decimal import Decimal

    from apps.common.formatting import achievement_text, format_value

    assert achievement_text(Decimal("62.19")) == "62.1%" and achievement_text(Decimal("99.96")) == "99.9%"
    assert format_value(Decimal("62.25"), "percent") == "62.3%"  # half up, not half even
    assert format_value(Decimal("0.125"), "money") == "¥0.13" and format_value(Decimal("2.5"), "count") == "3"


def test_only_managers_regenerate_and_change_settings(arena, reported):
    rep = arena.brand.client("rep")
    assert rep.post(f"/reports/{reported.isoformat()}/regenerate/").status_code == 403
    assert rep.get("/reports/settings/").status_code == 403
    ops = arena.brand.client("ops")
    assert ops.post(f"/reports/{reported.isoformat()}/regenerate/").status_code == 302
    bad = ops.post("/reports/settings/", {"send_at": "25:00", "log_cutoff": "10:00", "webhook_url": "ftp://x"})
    assert bad.status_code == 200 and {"send_at", "webhook_url"} <= set(bad.context["form"].errors)
    good = ops.post("/reports/settings/", {"send_at": "08:30", "log_cutoff": "11:00", "email_managers": "on"})
    assert good.status_code == 302
    assert arena.brand.client().get(f"/reports/{reported.isoformat()}/").status_code == 302  # to the login


def test_a_log_needs_what_was_done_and_tomorrows_plan_and_only_ones_own_customers(arena):
    from apps.kpis.models import Customer

    other = Customer.objects.create(
        ref="not-mine", owner=arena.reps["r2"], first_seen_at=datetime.now(SHANGHAI), joined_on=arena.today
    )
    with pytest.raises(ValidationError) as error:
        log_save(person=arena.reps["r1"], day=arena.today, done=" ", plan="", customer_ids=[other.pk])
    assert set(error.value.message_dict) == {"done", "plan", "customers"}
    client = arena.brand.client_for(arena.reps["r1"].pk)
    page = client.post("/logs/", {"done": "", "plan": "明天回访"})
    assert page.status_code == 200 and "请写下今天完成了什么" in page.content.decode()
    assert not DailyLog.objects.exists()
    saved = client.post("/logs/", {"done": "回访 5 位老客", "plan": "跟进小样"})
    assert saved.status_code == 302
    assert DailyLog.objects.get(person=arena.reps["r1"], day=arena.today).done == "回访 5 位老客"


def test_a_log_can_be_changed_until_the_cutoff_the_next_morning(arena):
    yesterday = arena.today - timedelta(days=1)
    before = datetime.combine(arena.today, time(9, 59), SHANGHAI)
    after = datetime.combine(arena.today, time(10, 1), SHANGHAI)
    log_save(person=arena.reps["r1"], day=yesterday, done="a", plan="b", now=before)
    log_save(person=arena.reps["r1"], day=yesterday, done="a2", plan="b", now=before)
    assert DailyLog.objects.get().done == "a2"
    with pytest.raises(ValidationError) as error:
        log_save(person=arena.reps["r1"], day=yesterday, done="a3", plan="b", now=after)
    assert "截止" in error.value.messages[0]
    with pytest.raises(ValidationError):
        log_save(person=arena.reps["r1"], day=arena.today + timedelta(days=1), done="a", plan="b")


def test_a_lead_comments_on_their_people_and_the_rep_reads_it(arena):
    Team.objects.filter(pk=arena.teams["north"].pk).update(leader=arena.reps["r1"])
    log = DailyLog.objects.create(person=arena.reps["r2"], day=arena.today, done="做了", plan="计划")
    south_log = DailyLog.objects.create(person=arena.reps["r5"], day=arena.today, done="做了", plan="计划")
    lead = arena.brand.client_for(arena.reps["r1"].pk)
    assert lead.post(f"/logs/{log.pk}/comment/", {"text": "话术很好"}).status_code == 302
    assert lead.post(f"/logs/{south_log.pk}/comment/", {"text": "越权"}).status_code == 404
    peer = arena.brand.client_for(arena.reps["r3"].pk)
    assert peer.post(f"/logs/{log.pk}/comment/", {"text": "同事也想批注"}).status_code == 404
    assert list(LogComment.objects.values_list("text", flat=True)) == ["话术很好"]
    mine = arena.brand.client_for(arena.reps["r2"].pk).get("/logs/").content.decode()
    assert "话术很好" in mine
    team_page = lead.get(f"/logs/team/?day={arena.today.isoformat()}")
    assert "导购2" in team_page.content.decode() and "导购5" not in team_page.content.decode()
    assert {p.full_name for p in team_page.context["missing"]} == {"导购1", "导购3"}
    assert arena.brand.client_for(arena.reps["r3"].pk).get("/logs/team/")["Location"] == "/logs/"  # leads nobody


def test_the_meeting_view_puts_a_teams_figures_and_logs_together(arena):
    arena.sell("r2", 420)
    DailyLog.objects.create(person=arena.reps["r2"], day=arena.today, done="成交 1 单", plan="继续")
    page = arena.brand.client("ops").get(f"/logs/meeting/?day={arena.today.isoformat()}&team={arena.teams['north'].pk}")
    assert page.status_code == 200
    rows = page.context["figures"]["rows"]
    assert rows[0].name == "导购2" and rows[0].cells[0][1] == 420
    assert [log.person.full_name for log in page.context["logs"]] == ["导购2"]
    assert "成交 1 单" in page.content.decode()
    assert arena.brand.client("ops").get("/logs/meeting/?team=999999").status_code == 404


def test_the_api_serves_each_caller_their_part_and_takes_logs(arena, reported):
    rep = arena.brand.client_for(arena.reps["r5"].pk)
    mine = rep.get(f"/api/v1/reports/{reported.isoformat()}/").json()
    assert mine["brand"] is None and [r["name"] for r in mine["reps"]] == ["导购5"]
    assert mine["reps"][0]["figures"]["gmv"]["day"] == "555"
    full = arena.brand.client("ops").get(f"/api/v1/reports/{reported.isoformat()}/").json()
    assert full["brand"]["figures"]["gmv"]["day"] == "666"
    assert [r["day"] for r in rep.get("/api/v1/reports/").json()] == [reported.isoformat()]
    assert rep.post(f"/api/v1/reports/{reported.isoformat()}/regenerate/").status_code == 403
    bad = rep.post(
        "/api/v1/daily-logs/", {"day": arena.today.isoformat(), "done": "", "plan": ""}, content_type="application/json"
    )
    assert bad.status_code == 400 and {"done", "plan"} <= set(bad.json())
    filed = rep.post(
        "/api/v1/daily-logs/",
        {"day": arena.today.isoformat(), "done": "回访", "plan": "跟进"},
        content_type="application/json",
    )
    assert filed.status_code == 201, filed.json()
    ops = arena.brand.client("ops")
    logs = ops.get(f"/api/v1/daily-logs/?day={arena.today.isoformat()}").json()["results"]
    assert [log["done"] for log in logs] == ["回访"]
    comment = ops.post(f"/api/v1/daily-logs/{logs[0]['id']}/comments/", {"text": "好"}, content_type="application/json")
    assert comment.status_code == 201
    assert rep.get("/api/v1/daily-logs/").json()["results"][0]["comments"][0]["text"] == "好"
    assert (
        arena.brand.client("ops")
        .post(
            "/api/v1/daily-logs/",
            {"day": arena.today.isoformat(), "done": "x", "plan": "y"},
            content_type="application/json",
        )
        .status_code
        == 403
    )
