"""The sync: the corp's directory, customers and groups read into the brand, idempotent,
resumable after a refusal, within WeCom's limits (rate limits waited out, tokens fetched again)."""

import time

import pytest

from apps.accounts.models import User
from apps.kpis.models import Customer, Event
from apps.organisation.models import Team
from apps.wecom.models import CustomerGroup, Member, SyncRun

pytestmark = pytest.mark.django_db


def _populate(wecom, per_rep: int = 30):
    now = int(time.time())
    for n in range(per_rep * 3):
        userid = ("zhangsan", "lisi", "wangwu")[n % 3]
        wecom.corp.follow(
            userid, wecom.contact(n, f"客户{n}"), createtime=now - 3600 - n, tags=["会员"] if n % 2 else ()
        )
    wecom.corp.groups["wrg1"] = wecom.group("wrg1", "lisi", [wecom.contact(n).external_userid for n in (1, 4, 7)])


def test_a_sync_brings_in_teams_people_customers_and_groups(wecom, alpha):
    _populate(wecom)
    with alpha:
        User.objects.filter(pk=alpha.rep_id).update(roles=["sales_rep", "copywriter"])
    wecom.connect()
    run = wecom.sync()
    assert run.status == "done", run.errors
    with alpha:
        region = Team.objects.get(name="华东大区")
        assert region.kind == "region"
        assert set(region.children.values_list("name", flat=True)) == {"南京西路店", "徐家汇店"}
        # Matched by email: alpha's rep keeps both roles; the others are new sales reps.
        zhangsan = Member.objects.get(userid="zhangsan").person
        assert (zhangsan.pk, zhangsan.roles) == (alpha.rep_id, ["sales_rep", "copywriter"])
        lisi = Member.objects.get(userid="lisi").person
        assert (lisi.full_name, lisi.roles, lisi.phone, lisi.membership.team.name) == (
            "李四",
            ["sales_rep"],
            "13800000002",
            "南京西路店",
        )
        assert Customer.objects.count() == 90
        assert Customer.objects.get(ref=wecom.contact(1).external_userid).tags == ["会员"]
        assert Event.objects.filter(kind="fan_added").count() == 90
        assert CustomerGroup.objects.get(chat_id="wrg1").customer_count == 3
    assert run.counts["adds_new"] == 90 and run.counts["people_new"] == 2 and run.counts["teams_new"] == 3
    assert run.progress["contacts"]["done"] == run.progress["contacts"]["total"] == 3


def test_a_second_sync_changes_only_what_changed(wecom, alpha):
    _populate(wecom)
    wecom.connect()
    wecom.sync()
    wecom.corp.unfollow("lisi", wecom.contact(1).external_userid)  # a deletion whose callback never came
    wecom.corp.follow("wangwu", wecom.contact(500, "新客户"), createtime=int(time.time()) - 60)
    run = wecom.sync()
    assert run.status == "done", run.errors
    assert (run.counts.get("adds_new"), run.counts.get("follows_gone"), run.counts.get("people_new")) == (1, 1, None)
    with alpha:
        assert Event.objects.filter(kind="fan_added").count() == 91
        assert Customer.objects.get(ref=wecom.contact(1).external_userid).left_on is not None


def test_people_are_matched_by_mobile_and_someone_wecom_no_longer_lists_has_left(wecom, alpha):
    from apps.organisation.services import person_create

    with alpha:
        existing = person_create(email="li4@alpha.test", full_name="李 四", roles=["ops_manager"], phone="13800000002")
    wecom.connect()
    wecom.sync()
    with alpha:
        assert Member.objects.get(userid="lisi").person_id == existing.pk
        existing.refresh_from_db()
        assert existing.roles == ["ops_manager"] and existing.full_name == "李四"
    wecom.corp.members["wangwu"].status = 4
    wecom.sync()
    with alpha:
        wangwu = Member.objects.get(userid="wangwu").person
        assert not wangwu.is_active and User.objects.filter(pk=wangwu.pk).exists()  # deactivated, never deleted


def test_a_refusal_stops_the_run_with_wecom_s_errcode_and_it_resumes_where_it_stopped(wecom, alpha):
    _populate(wecom, per_rep=250)  # 750 follows: several pages per rep
    wecom.connect()
    original = wecom.corp.handle
    pages = {"n": 0}

    def refuse_after_three_pages(method, path, params, body):
        if path == "externalcontact/batch/get_by_user":
            pages["n"] += 1
            if pages["n"] == 4:
                from apps.wecom.simulator.corp import ApiError

                raise ApiError(48002, "api forbidden")
        return original(method, path, params, body)

    wecom.corp.handle = refuse_after_three_pages
    run = wecom.sync()
    assert run.status == "failed"
    (error,) = run.errors
    assert (error["step"], error["errcode"]) == ("contacts", 48002)
    assert "客户联系" in error["advice"]
    with alpha:
        assert Event.objects.filter(kind="fan_added").count() == 300  # three pages of 100 kept
    page = alpha.client("admin").get("/settings/wecom/").content.decode()
    assert "48002" in page and "从中断处继续" in page
    wecom.corp.handle = original
    from apps.wecom.services import sync

    with alpha:
        sync.sync_resume(run)
        sync.sync_continue(run.pk)
        run.refresh_from_db()
    assert run.status == "done"
    with alpha:
        assert Event.objects.filter(kind="fan_added").count() == 750
    calls = [c for c in wecom.corp.calls if c == "externalcontact/batch/get_by_user"]
    assert len(calls) == 3 + 5  # the refused page is asked for again, the three before it are not


def test_an_expired_token_is_fetched_again_and_the_run_goes_on(wecom, alpha):
    _populate(wecom)
    wecom.connect()
    original = wecom.corp.handle
    expired = []

    def expire_midway(method, path, params, body):
        if path == "externalcontact/get_corp_tag_list" and not expired:
            expired.append(True)
            wecom.corp.expire_tokens()
        return original(method, path, params, body)

    wecom.corp.handle = expire_midway
    run = wecom.sync()
    assert run.status == "done", run.errors
    assert list(wecom.corp.calls).count("gettoken") >= 3  # app, contact, and contact again


def test_rate_limits_are_waited_out(wecom, alpha, settings):
    _populate(wecom, per_rep=2)
    wecom.corp.calls_per_minute, wecom.corp.rate_window = 4, 0.5
    wecom.connect()
    run = wecom.sync()
    assert run.status == "done", run.errors


def test_a_sync_stops_when_the_brand_disconnects(wecom, alpha):
    from apps.wecom.services import sync
    from apps.wecom.services.connection import connection_disconnect

    wecom.connect()
    with alpha:
        run = sync.sync_start(trigger=SyncRun.Trigger.BUTTON)
        connection_disconnect()
        sync.sync_continue(run.pk)
        run.refresh_from_db()
    assert run.status == "failed"


def test_secrets_never_reach_the_logs(wecom, alpha, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    _populate(wecom, per_rep=2)
    wecom.connect()
    wecom.corp.ip_allowed = False  # a failing run logs more
    wecom.sync()
    wecom.corp.ip_allowed = True
    wecom.sync()
    logged = "\n".join(f"{r.getMessage()} {r.args}" for r in caplog.records)
    for secret in (wecom.corp.app_secret, wecom.corp.contact_secret, wecom.corp.token, wecom.corp.aes_key):
        assert secret not in logged
