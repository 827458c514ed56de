"""Leaderboard pages and API: who may see and do what, the live fragment that answers 204 until
the board changes, the wall display's rotation, and brands kept apart."""

import re
from datetime import timedelta

from apps.leaderboards.models import Competition, Standing
from apps.leaderboards.services.competitions import competition_close
from apps.organisation.roles import Role
from apps.organisation.services import person_create
from tests.leaderboards.conftest import prizes


def test_everyone_sees_the_boards_and_only_organisers_set_up_competitions(arena):
    with arena.brand:
        copywriter = person_create(email="cw@alpha.test", full_name="文案", roles=[Role.COPYWRITER])
    rep = arena.brand.client("rep")
    assert rep.get("/leaderboards/").status_code == 200
    assert arena.brand.client_for(copywriter.pk).get("/leaderboards/tv/").status_code == 200
    assert rep.get("/leaderboards/competitions/new/").status_code == 403
    assert rep.post("/api/v1/competitions/", {}, content_type="application/json").status_code == 403
    assert arena.brand.client("ops").get("/leaderboards/competitions/new/").status_code == 200
    anonymous = arena.brand.client().get("/leaderboards/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_an_organiser_sets_up_a_competition_through_the_form(arena):
    client = arena.brand.client("ops")
    form = {
        "name": "周末冲刺",
        "metric": "gmv",
        "direction": "",
        "starts_on": arena.today.isoformat(),
        "ends_on": (arena.today + timedelta(days=2)).isoformat(),
        "scope": "teams",
        "teams": [arena.teams["north"].pk],
        "participant_roles": ["sales_rep"],
        "tie_rule": "shared",
        "show_amounts": "on",
        "settle_minutes": "30",
        "prizes": "1：¥500\n2-3: ¥200\n达成: 小红花",
    }
    response = client.post("/leaderboards/competitions/new/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    with arena.brand:
        competition = Competition.objects.get(name="周末冲刺")
        assert [(p.rank_from, p.rank_to, p.tier, p.label) for p in competition.prizes.all()] == [
            (1, 1, "", "¥500"),
            (2, 3, "", "¥200"),
            (None, None, "achieved", "小红花"),
        ]
    bad = client.post("/leaderboards/competitions/new/", {**form, "prizes": "第一名 500"})
    assert bad.status_code == 200 and "请写成“名次: 奖品”" in bad.content.decode()
    # Once running, the organiser cannot open the form; the admin can, and must give a reason.
    assert client.get(f"/leaderboards/competitions/{competition.pk}/edit/").status_code == 403
    admin = arena.brand.client("admin")
    page = admin.post(f"/leaderboards/competitions/{competition.pk}/edit/", {**form, "name": "周末冲刺2"})
    assert page.status_code == 200 and "reason" in page.context["form"].errors
    # The error is summarised above the long form, linking to the field, which is marked invalid.
    html = page.content.decode()
    summary = html.index("error-summary")
    assert summary < html.index('name="name"') and 'href="#id_reason"' in html[summary:]
    assert re.search(r'<textarea name="reason"[^>]*aria-invalid="true"', html)
    backdated = admin.post(
        "/leaderboards/competitions/new/", {**form, "starts_on": (arena.today - timedelta(days=1)).isoformat()}
    )
    assert "开始日期早于今天：请写明补录的原因" in backdated.content.decode()


def test_the_live_fragment_answers_204_until_the_board_changes(arena):
    client = arena.brand.client_for(arena.reps["r1"].pk)
    with arena.brand:
        arena.sell("r2", 100)
    url = "/leaderboards/standing/gmv/day/live/"
    first = client.get(url)
    version = first.context["page"].version
    assert first.status_code == 200 and "导购2" in first.content.decode()
    assert client.get(url, {"since": version}).status_code == 204
    with arena.brand:
        arena.sell("r1", 300)
    moved = client.get(url, {"since": version})
    assert moved.status_code == 200
    rows = moved.context["page"].rows
    assert [(r.name, r.rank, r.is_viewer) for r in rows] == [("导购1", 1, True), ("导购2", 2, False)]
    assert f"since={moved.context['page'].version}" in moved.content.decode()


def test_the_wall_display_rotates_through_running_competitions(arena):
    with arena.brand:
        first = arena.competition(name="赛一")
        second = arena.competition(name="赛二", show_amounts=False)
        arena.sell("r1", 4321)
    client = arena.brand.client("ops")
    opening = client.get("/leaderboards/tv/slide/")
    assert opening.context["slide"] == f"c:{first.pk}"
    following = client.get("/leaderboards/tv/slide/", {"after": f"c:{first.pk}"})
    assert following.context["slide"] == f"c:{second.pk}"
    assert "¥4,321.00" not in following.content.decode()  # that board hides amounts, even from a manager's TV
    assert client.get("/leaderboards/tv/slide/", {"after": f"c:{second.pk}"}).context["slide"] == f"c:{first.pk}"


def test_history_and_the_persons_page_show_winners_and_medals(arena):
    with arena.brand:
        start = arena.today - timedelta(days=10)
        competition = arena.competition(
            name="上周赛", starts_on=start, ends_on=start + timedelta(days=2), prizes=prizes("1:金牌奖金")
        )
        arena.sell("r1", 100, day=start)
        competition_close(competition_id=competition.pk)
        assert Standing.objects.filter(competition=competition).count() == 1
    history = arena.brand.client("rep").get("/leaderboards/history/").content.decode()
    assert "上周赛" in history and "导购1" in history and "金牌奖金" in history
    profile = arena.brand.client("admin").get(f"/kpis/people/{arena.reps['r1'].pk}/").content.decode()
    assert "上周赛" in profile and "金牌奖金" in profile


def test_a_brand_cannot_see_another_brands_competition(arena, beta):
    with arena.brand:
        competition = arena.competition(name="阿尔法内部赛")
    assert beta.client("admin").get(f"/leaderboards/competitions/{competition.pk}/").status_code == 404
    assert beta.client("admin").get(f"/api/v1/competitions/{competition.pk}/board/").status_code == 404
    assert "阿尔法内部赛" not in beta.client("admin").get("/leaderboards/").content.decode()


def test_the_api_sets_up_a_competition_and_reads_its_board(arena):
    ops = arena.brand.client("ops")
    body = {
        "name": "API 赛",
        "metric": "gmv",
        "starts_on": arena.today.isoformat(),
        "ends_on": (arena.today + timedelta(days=6)).isoformat(),
        "scope": "brand",
        "participant_roles": ["sales_rep"],
        "prizes": [{"rank_from": 1, "rank_to": 1, "label": "奖杯"}],
    }
    bad = ops.post(
        "/api/v1/competitions/",
        {**body, "metric": "nope", "prizes": [{"rank_from": 3, "rank_to": 1, "label": "x"}]},
        content_type="application/json",
    )
    assert bad.status_code == 400 and {"metric", "prizes"} <= set(bad.json())
    created = ops.post("/api/v1/competitions/", body, content_type="application/json")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert (data["status"], data["lower_is_better"], data["tie_rule"]) == ("running", False, "shared")
    with arena.brand:
        arena.sell("r1", 300)
        arena.sell("r2", 100)
    board = arena.brand.client_for(arena.reps["r2"].pk).get(f"/api/v1/competitions/{data['id']}/board/?top=1")
    assert board.status_code == 200
    answer = board.json()
    assert [(r["name"], r["rank"], r["value"], r["prizes"]) for r in answer["rows"]] == [("导购1", 1, "300", ["奖杯"])]
    assert (answer["me"]["rank"], answer["me"]["gap_next"], answer["me"]["gap_prize"]) == (2, "200", "200")
    patch = ops.patch(f"/api/v1/competitions/{data['id']}/", {"name": "改"}, content_type="application/json")
    assert patch.status_code == 403  # started: only an admin, with a reason
    admin = arena.brand.client("admin")
    patch = admin.patch(f"/api/v1/competitions/{data['id']}/", {"name": "改"}, content_type="application/json")
    assert patch.status_code == 400 and "reason" in patch.json()
    patch = admin.patch(
        f"/api/v1/competitions/{data['id']}/", {"name": "改", "reason": "统一命名"}, content_type="application/json"
    )
    assert patch.status_code == 200 and patch.json()["prizes"] == [
        {"rank_from": 1, "rank_to": 1, "tier": "", "label": "奖杯"}
    ]
    changes = ops.get(f"/api/v1/competitions/{data['id']}/changes/").json()["results"]
    assert [c["action"] for c in changes] == ["update", "create"] and changes[0]["reason"] == "统一命名"
    admin.patch(
        f"/api/v1/competitions/{data['id']}/",
        {
            "tie_rule": "earlier_first",
            "show_amounts": False,
            "participant_roles": ["sales_rep", "copywriter"],
            "reason": "改规则",
        },
        content_type="application/json",
    )
    for language, expected in (("zh-hans", ["并列规则", "先达到者在前", "公开数值", "是 → 否", "导购"]), ("en", [])):
        admin.cookies["django_language"] = language
        page = admin.get(f"/leaderboards/competitions/{data['id']}/").content.decode()
        log = page[page.index('class="changes"') :]
        for raw in ("tie_rule", "earlier_first", "show_amounts", "sales_rep", "True", "False", "['"):
            assert raw not in log, (language, raw)
        for text in expected:
            assert text in log, text
    standing = arena.brand.client("rep").get("/api/v1/leaderboards/gmv/day/")
    assert standing.status_code == 200 and standing.json()["rows"][0]["name"] == "导购1"
    assert arena.brand.client("rep").get("/api/v1/leaderboards/cost/day/").status_code == 404


def test_a_polled_board_whose_session_ended_sends_the_whole_page_to_the_login(arena):
    response = arena.brand.client().get(
        "/leaderboards/standing/gmv/day/live/",
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://{arena.brand.host}/leaderboards/tv/",
    )
    assert response.status_code == 200
    assert (
        response["HX-Redirect"].startswith("/accounts/login/?next=") and "leaderboards/tv/" in response["HX-Redirect"]
    )


def test_an_organiser_chooses_the_standing_boards(arena):
    ops = arena.brand.client("ops")
    bad = ops.post("/leaderboards/settings/", {"metrics": ["gmv", "nope"], "roles": ["sales_rep"]})
    assert bad.status_code == 200 and bad.context["form"].errors
    with arena.brand:
        arena.fans("r1", 7)
    assert ops.get("/leaderboards/?metric=fans_added&period=day").status_code == 200
    saved = ops.post("/leaderboards/settings/", {"metrics": ["fans_added", "interactions"], "roles": ["sales_rep"]})
    assert saved.status_code == 302
    page = ops.get("/leaderboards/")
    assert page.context["metric"] == "fans_added"
    assert page.context["page"].board.show_amounts is False  # the box was left unticked
    assert [r.value for r in page.context["page"].rows] == [7]
    assert ops.get("/leaderboards/?metric=gmv").status_code == 404  # no longer a standing board
    assert arena.brand.client("rep").get("/leaderboards/settings/").status_code == 403


def test_a_reps_home_shows_their_competitions_with_their_place(arena):
    with arena.brand:
        arena.competition(name="本周冲刺", prizes=prizes("1:金"))
        arena.competition(
            name="下周开赛", starts_on=arena.today + timedelta(days=7), ends_on=arena.today + timedelta(days=9)
        )
        arena.competition(name="南店专场", scope=Competition.Scope.TEAMS, teams=[arena.teams["south"]])
        arena.sell("r1", 500)
        arena.sell("r2", 200)
    home = arena.brand.client_for(arena.reps["r2"].pk).get("/home/rep/")
    mine = {item.competition.name: item for item in home.context["home"].extra["competitions"]}
    assert set(mine) == {"本周冲刺", "下周开赛"}  # not the south store's
    assert (mine["本周冲刺"].page.mine.rank, mine["本周冲刺"].page.mine.gap_prize) == (2, 300)
    assert mine["下周开赛"].page is None and "下周开赛" in home.content.decode()


def test_an_integration_key_with_an_organisers_role_sets_up_a_competition(arena):
    from apps.organisation.services import api_key_create

    with arena.brand:
        _key, secret = api_key_create(name="运营中台", roles=[Role.OPS_MANAGER], created_by=None)
    client = arena.brand.client(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    body = {
        "name": "接口建赛",
        "metric": "fans_added",
        "starts_on": (arena.today + timedelta(days=1)).isoformat(),
        "ends_on": (arena.today + timedelta(days=3)).isoformat(),
        "scope": "brand",
        "participant_roles": ["sales_rep"],
    }
    created = client.post("/api/v1/competitions/", body, content_type="application/json")
    assert created.status_code == 201, created.json()
    changes = client.get(f"/api/v1/competitions/{created.json()['id']}/changes/").json()["results"]
    assert [(c["action"], c["actor"]) for c in changes] == [("create", None)]
    assert client.get(f"/api/v1/competitions/{created.json()['id']}/board/").json()["me"] is None
