"""Messages in through the API, scanned in the background, violations reviewed by managers and
counted in the KPI engine; every brand starts with the starter pack."""

import json
from datetime import date

import pytest

from apps.accounts.models import User
from apps.common.periods import Period
from apps.compliance.models import Decision, Message, Rule, Violation
from apps.compliance.services.messages import messages_ingest
from apps.compliance.services.review import violation_review
from apps.compliance.services.rules import allow_phrase_add, rule_save
from apps.compliance.services.scanning import messages_scan, ruleset_current
from apps.compliance.tasks import scan_pending
from apps.kpis.selectors.metrics import Scope, metric_values
from apps.organisation.roles import Role
from apps.organisation.services import api_key_create, person_create, team_create
from bench.compliance_labelled import score


def message(n, text, rep="rep@alpha.test", direction="rep_to_customer", conversation="conv-1", **extra):
    return {
        "message_id": f"m-{n}",
        "conversation_id": conversation,
        "rep": rep,
        "customer": "wm-cust-1",
        "direction": direction,
        "sent_at": f"2026-10-0{1 + n % 9}T10:{n % 60:02d}:00+08:00",
        "text": text,
        **extra,
    }


def _post(client, body):
    return client.post("/api/v1/messages/", json.dumps(body), content_type="application/json")


@pytest.fixture
def key_client(alpha):
    with alpha:
        _key, secret = api_key_create(name="wecom archive", roles=[Role.PRODUCT_OPS], created_by=None)
    return alpha.client(HTTP_AUTHORIZATION=f"Api-Key {secret}")


def test_every_brand_starts_with_the_starter_pack_scoring_at_least_90_percent(alpha):
    with alpha:
        categories = set(Rule.objects.values_list("category", flat=True))
        assert categories == {
            "insult",
            "private_order",
            "flying_order",
            "personal_data",
            "forbidden_promise",
            "competitor",
        }
        rules = ruleset_current()
        result = score(lambda text: {hit.rule.category for hit in rules.scan(text, "rep")})
    assert result["messages"] >= 150 and result["clean"] >= result["violating"]
    assert result["precision"] >= 0.9 and result["recall"] >= 0.9, result


def test_a_batch_is_answered_per_item_and_scanned_in_the_background(
    alpha, key_client, django_capture_on_commit_callbacks
):
    batch = {
        "messages": [
            message(1, "亲，私下转账给我更便宜"),
            message(2, "好的，谢谢", direction="customer_to_rep"),
            message(3, "x" * (64 * 1024 + 1)),
            message(4, "hi", rep="nobody@alpha.test"),
            {"message_id": "m-5", "direction": "sideways"},
            message(6, "[图片]", msg_type="image"),
        ]
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(key_client, batch)
    assert response.status_code == 200, response.content
    statuses = [item["status"] for item in response.json()["results"]]
    assert statuses == ["created", "created", "error", "error", "error", "created"]
    errors = response.json()["results"]
    assert "64 KB" in errors[2]["errors"]["text"][0] and "nobody@alpha.test" in errors[3]["errors"]["rep"][0]
    assert {"conversation_id", "direction"} <= set(errors[4]["errors"])
    with alpha:
        assert Message.objects.filter(scanned_at__isnull=False).count() == 3
        violation = Violation.objects.get()
        assert (violation.category, violation.matched_text, violation.status) == ("private_order", "私下转账", "open")
    with django_capture_on_commit_callbacks(execute=True):
        replay = _post(key_client, batch["messages"][:2])
    assert [item["status"] for item in replay.json()["results"]] == ["duplicate", "duplicate"]
    with alpha:
        assert Violation.objects.count() == 1


def test_only_integrations_and_roles_that_may_post_messages_can(alpha):
    assert _post(alpha.client("rep"), [message(1, "hi")]).status_code == 403
    assert _post(alpha.client(), [message(1, "hi")]).status_code == 401
    with alpha:
        _key, secret = api_key_create(name="k", roles=[Role.SALES_REP], created_by=None)
    assert _post(alpha.client(HTTP_AUTHORIZATION=f"Api-Key {secret}"), [message(1, "hi")]).status_code == 403


def test_a_message_left_unscanned_by_a_lost_task_is_swept_up(alpha):
    with alpha:
        _result, stored = messages_ingest(items=[message(1, "你给我滚")])
        Message.objects.filter(pk__in=stored).update(created_at="2026-10-01T00:00:00+08:00")
        assert scan_pending() == 1
        assert Violation.objects.get().category == "insult"
        assert messages_scan(message_ids=stored) == []  # scanning again finds nothing new


@pytest.fixture
def store(alpha):
    """Two reps in a store led by a lead, one violation each."""
    with alpha:
        store = team_create(name="一号店", kind="store")
        lead = person_create(email="lead@alpha.test", full_name="店长", roles=[Role.SALES_REP], team=store)
        other = person_create(email="other@alpha.test", full_name="别店导购", roles=[Role.SALES_REP])
        rep = User.objects.get(pk=alpha.rep_id)
        from apps.organisation.models import Membership

        Membership.objects.create(person=rep, team=store)
        store.leader = lead
        store.save()
        _r, stored = messages_ingest(
            items=[
                message(1, "你好，在吗", direction="customer_to_rep"),
                message(2, "亲，加我薇信，私下转账更便宜"),
                message(3, "好的", direction="customer_to_rep"),
                message(4, "这款保证有效，无效退款", rep="other@alpha.test", conversation="conv-2"),
            ]
        )
        messages_scan(message_ids=stored)
        mine = Violation.objects.filter(rep=rep).order_by("start").first()  # 加我薇信 (then 私下转账)
        theirs = Violation.objects.filter(rep=other).order_by("start").first()  # one message, one item
    return {"lead": lead, "other": other, "mine": mine, "theirs": theirs}


def test_managers_review_in_context_and_every_decision_is_kept(alpha, store):
    ops = alpha.client("ops")
    page = ops.get(f"/compliance/violations/{store['mine'].pk}/").content.decode()
    assert "你好，在吗" in page and "<mark>加我薇信</mark>" in page and "好的" in page  # the conversation around it
    dismissed_without_reason = ops.post(f"/compliance/violations/{store['mine'].pk}/", {"action": "dismiss"})
    assert "原因" in dismissed_without_reason.content.decode()
    ops.post(f"/compliance/violations/{store['mine'].pk}/", {"action": "confirm", "note": "已提醒"})
    ops.post(f"/compliance/violations/{store['mine'].pk}/", {"action": "reopen", "note": "再看看"})
    ops.post(f"/compliance/violations/{store['mine'].pk}/", {"action": "confirm", "note": "确认"})
    with alpha:
        history = list(Decision.objects.filter(violation=store["mine"]).values_list("action", "note", "actor_id"))
        assert history == [
            ("confirm", "已提醒", alpha.ops_id),
            ("reopen", "再看看", alpha.ops_id),
            ("confirm", "确认", alpha.ops_id),
        ]
    page = ops.get(f"/compliance/violations/{store['mine'].pk}/").content.decode()
    assert page.count("确认违规") >= 2 and "再看看" in page


def test_reps_see_their_own_leads_their_store_and_nobody_reviews_themselves(alpha, store):
    rep = alpha.client("rep")
    assert rep.get(f"/compliance/violations/{store['mine'].pk}/").status_code == 200
    assert rep.get(f"/compliance/violations/{store['theirs'].pk}/").status_code == 404
    assert (
        rep.post(f"/compliance/violations/{store['mine'].pk}/", {"action": "dismiss", "note": "x"}).status_code == 403
    )
    with alpha:
        own = set(Violation.objects.filter(rep_id=alpha.rep_id).values_list("pk", flat=True))
    assert {v["id"] for v in rep.get("/api/v1/violations/").json()["results"]} == own and len(own) >= 2
    lead = alpha.client_for(store["lead"].pk)
    assert lead.get(f"/compliance/violations/{store['theirs'].pk}/").status_code == 404
    reviewed = lead.post(
        f"/api/v1/violations/{store['mine'].pk}/review/",
        json.dumps({"action": "confirm", "note": "店长确认"}),
        content_type="application/json",
    )
    assert reviewed.status_code == 200 and reviewed.json()["status"] == "confirmed"
    assert ">1<" in alpha.client("ops").get("/compliance/count/").content.decode()  # still open: theirs


def test_one_message_is_one_review_item_and_the_badge_counts_what_the_list_shows(alpha, store):
    ops = alpha.client("ops")
    with alpha:
        # an old one, still open
        Violation.objects.filter(message_id=store["theirs"].message_id).update(day=date(2025, 1, 5))
    listing = ops.get("/compliance/").content.decode()
    rows = listing.count("/compliance/violations/")
    assert rows == 2  # 加我薇信 + 私下转账 are one row; last year's open one is in the queue too
    assert "加我薇信" in listing and "私下转账" in listing
    assert f">{rows}<" in ops.get("/compliance/count/").content.decode()
    this_month = ops.get("/compliance/?period=month&date=2026-10-01").content.decode()
    assert this_month.count("/compliance/violations/") == 1
    page = ops.get(f"/compliance/violations/{store['mine'].pk}/").content.decode()
    assert "<mark>加我薇信</mark>" in page and "<mark>私下转账</mark>" in page
    ops.post(f"/compliance/violations/{store['mine'].pk}/", {"action": "confirm", "note": "两处都确认"})
    with alpha:
        statuses = set(Violation.objects.filter(rep_id=alpha.rep_id).values_list("status", flat=True))
        assert statuses == {"confirmed"}
        hits = Violation.objects.filter(message_id=store["mine"].message_id).count()
        assert hits >= 2 and Decision.objects.filter(note="两处都确认").count() == hits
    assert ">1<" in ops.get("/compliance/count/").content.decode()


def test_confirmed_violations_are_kpi_metrics(alpha, store):
    october = Period.of("month", date(2026, 10, 1))
    with alpha:
        ops = User.objects.get(pk=alpha.ops_id)
        violation_review(violation=store["mine"], actor=ops, action="confirm")
        violation_review(violation=store["theirs"], actor=ops, action="dismiss", note="误报")
        mine = metric_values(
            ["violations", "violations_private_order", "messages_sent", "violation_rate"],
            Scope.member(alpha.rep_id),
            october,
        )
        assert mine == {"violations": 1, "violations_private_order": 1, "messages_sent": 1, "violation_rate": 1000}
        # the message's two hits (加我薇信, 私下转账) were confirmed together and count once
        assert Violation.objects.filter(rep_id=alpha.rep_id).exclude(status="confirmed").count() == 0
        assert metric_values(["violations"], Scope.brand(), october)["violations"] == 1  # the dismissed one is not


def test_rules_are_validated_and_a_change_is_picked_up_at_once(alpha):
    from django.core.exceptions import ValidationError

    with alpha:
        with pytest.raises(ValidationError, match="正则表达式无效"):
            rule_save(name="坏正则", category="insult", severity="low", kind="pattern", pattern="(unclosed")
        with pytest.raises(ValidationError, match="只有符号"):
            rule_save(name="符号", category="insult", severity="low", keywords=["！！！"])
        assert not ruleset_current().scan("竞品A家更好用", "rep")
        competitor = Rule.objects.get(category="competitor")
        rule_save(rule=competitor, keywords=["竞品A家"])
        assert [hit.rule.name for hit in ruleset_current().scan("竞品A家更好用", "rep")] == ["竞品撬单"]
        allow_phrase_add(phrase="竞品A家更好用")
        assert not ruleset_current().scan("竞品A家更好用", "rep")


def test_the_try_it_box_says_what_fires_and_why(alpha):
    admin = alpha.client("admin")
    page = admin.post("/compliance/rules/try/", {"text": "加我 V💗信，私下轉賬", "direction": "rep"}).content.decode()
    assert "私单" in page and "关键词" in page
    api = admin.post("/api/v1/compliance-rules/try/", {"text": "我们不接受私下转账"}, content_type="application/json")
    assert api.json() == []
    bad = admin.post(
        "/api/v1/compliance-rules/",
        {"name": "x", "category": "insult", "kind": "pattern", "pattern": "a(b"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "正则表达式无效" in bad.json()["pattern"][0]
    assert alpha.client("rep").get("/compliance/rules/").status_code == 403


def test_a_rep_appeals_once_and_another_manager_decides(alpha, store):
    from apps.organisation.services import person_create as create

    with alpha:
        second = create(email="ops2@alpha.test", full_name="另一位经理", roles=[Role.OPS_MANAGER])
    ops, rep = alpha.client("ops"), alpha.client("rep")
    url = f"/compliance/violations/{store['mine'].pk}/"
    assert "提交申诉" not in rep.get(url).content.decode()  # nothing to appeal while open
    ops.post(url, {"action": "confirm", "note": "确认"})
    page = rep.get(url).content.decode()
    assert "提交申诉" in page
    refused = rep.post(f"{url}appeal/", {"reason": ""}, follow=True)
    assert "请写明申诉的理由" in refused.content.decode()
    rep.post(f"{url}appeal/", {"reason": "客户是我表姐，私下说笑"}, follow=True)
    with alpha:
        assert set(Violation.objects.filter(rep_id=alpha.rep_id).values_list("status", flat=True)) == {"appealed"}
        october = Period.of("month", date(2026, 10, 1))
        assert metric_values(["violations"], Scope.member(alpha.rep_id), october)["violations"] == 1  # still counted
    again = rep.post(f"{url}appeal/", {"reason": "再申诉一次"}, follow=True)
    assert "只能对已确认的违规申诉" in again.content.decode()
    # The manager who confirmed it does not decide the appeal; another one does.
    assert "申诉由另一位管理者处理" in ops.get(url).content.decode()
    assert ops.post(url, {"action": "appeal_accept", "note": "算了"}).status_code == 403
    api = alpha.client_for(second.pk).post(
        f"/api/v1/violations/{store['mine'].pk}/review/",
        json.dumps({"action": "appeal_accept", "note": "是家人之间的玩笑"}),
        content_type="application/json",
    )
    assert api.status_code == 200 and api.json()["status"] == "dismissed"
    with alpha:
        assert metric_values(["violations"], Scope.member(alpha.rep_id), october)["violations"] == 0  # the final say
        history = list(Decision.objects.filter(violation=store["mine"]).values_list("action", flat=True))
        assert history == ["confirm", "appeal", "appeal_accept"]
    page = rep.get(url).content.decode()
    assert "导购申诉" in page and "申诉成立" in page and "提交申诉" not in page  # once only
    assert (
        alpha.client("rep").post(f"/api/v1/violations/{store['theirs'].pk}/appeal/", {"reason": "x"}).status_code == 404
    )


def test_violations_are_found_by_message_conversation_rep_and_days(alpha, store):
    ops = alpha.client("ops")
    api = "/api/v1/violations/"
    with alpha:
        mine = set(Violation.objects.filter(rep_id=alpha.rep_id).values_list("pk", flat=True))
        theirs = set(Violation.objects.filter(rep=store["other"]).values_list("pk", flat=True))
        day = store["mine"].day

    def ids(**params):
        answer = ops.get(api, params)
        assert answer.status_code == 200, answer.content
        return {v["id"] for v in answer.json()["results"]}

    assert ids(conversation="conv-1") == mine and ids(conversation="conv-2") == theirs
    assert ids(message="m-2") == mine and ids(rep=store["other"].pk) == theirs
    assert ids(since=day.isoformat(), until=day.isoformat()) >= mine
    assert ids(until="2000-01-01") == set()
    backwards = ops.get(api, {"since": "2026-10-05", "until": "2026-10-01"})
    assert backwards.status_code == 400 and "until" in backwards.json()
    page = ops.get("/compliance/", {"conversation": "conv-2"}).content.decode()
    assert (
        f"/compliance/violations/{store['theirs'].pk}/" in page
        and f"/compliance/violations/{store['mine'].pk}/" not in page
    )
    by_rep = ops.get("/compliance/", {"rep": store["other"].pk}).content.decode()
    assert f"/compliance/violations/{store['theirs'].pk}/" in by_rep
    assert f"/compliance/violations/{store['mine'].pk}/" not in by_rep
    assert ops.get("/compliance/", {"rep": "99999999999999999999"}).status_code == 200  # ignored, not an error
