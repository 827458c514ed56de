"""Wall display links: a shop-floor TV opens the boards by link, nobody logged in; the link shows
the room's view of the boards and nothing else, is stored only as a hash, and stops at once when
revoked; only people who run competitions make and revoke them."""

import re

from django.utils import timezone

from apps.leaderboards.models import WallLink


def _make(arena, name="南京路店大屏") -> str:
    page = arena.brand.client("ops").post("/leaderboards/walls/", {"name": name})
    assert page.status_code == 200
    return re.search(r'<pre id="new-wall-link">http://[^/]+(/wall/[^<]+)</pre>', page.content.decode()).group(1)


def test_a_tv_opens_the_boards_by_link_without_logging_in(arena):
    with arena.brand:
        competition = arena.competition(name="双十二冲刺")
        arena.sell("r1", 4321)
    address = _make(arena)
    tv = arena.brand.client()  # nobody logged in

    page = tv.get(address)
    assert page.status_code == 200 and f'hx-get="{address}slide/"' in page.content.decode()
    slide = tv.get(f"{address}slide/")
    text = slide.content.decode()
    assert slide.status_code == 200 and "双十二冲刺" in text and "导购1" in text
    assert f"{address}competitions/{competition.pk}/live/?since=" in text
    live = tv.get(f"{address}competitions/{competition.pk}/live/", {"since": "0"})
    assert live.status_code == 200 and "导购1" in live.content.decode()
    assert "_auth_user_id" not in tv.session  # nobody was logged in by it
    with arena.brand:
        assert WallLink.objects.get().last_seen_at is not None


def test_the_standing_boards_rotate_on_a_wall_link_when_no_competition_runs(arena):
    with arena.brand:
        arena.sell("r1", 100)
    address = _make(arena)
    tv = arena.brand.client()
    slide = tv.get(f"{address}slide/")
    assert slide.context["slide"].startswith("s:")
    _s, metric, kind = slide.context["slide"].split(":")
    assert tv.get(f"{address}standing/{metric}/{kind}/live/", {"since": "0"}).status_code == 200


def test_the_link_is_stored_as_a_hash_and_shown_once(arena):
    address = _make(arena)
    secret = address.split("/")[2]
    with arena.brand:
        link = WallLink.objects.get()
        assert secret not in link.secret_hash and len(link.secret_hash) == 64
    listing = arena.brand.client("ops").get("/leaderboards/walls/").content.decode()
    assert "南京路店大屏" in listing and secret not in listing


def test_a_revoked_or_unknown_link_opens_nothing(arena):
    with arena.brand:
        competition = arena.competition()
    address = _make(arena)
    tv = arena.brand.client()
    assert tv.get(f"{address}slide/").status_code == 200
    with arena.brand:
        link = WallLink.objects.get()
    assert arena.brand.client("ops").post(f"/leaderboards/walls/{link.pk}/revoke/").status_code == 302
    for path in ("", "slide/", f"competitions/{competition.pk}/live/", "standing/gmv/day/live/"):
        assert tv.get(f"{address}{path}").status_code == 404
    assert tv.get("/wall/not-a-real-secret/").status_code == 404


def test_a_link_of_one_brand_opens_nothing_on_another(arena, beta):
    address = _make(arena)
    assert beta.client().get(address).status_code == 404
    assert beta.client().get(f"{address}slide/").status_code == 404


def test_the_link_opens_no_other_page(arena):
    address = _make(arena)
    tv = arena.brand.client()
    assert tv.get(address).status_code == 200
    for page in ("/leaderboards/", "/leaderboards/tv/slide/", "/home/rep/", "/leaderboards/walls/"):
        response = tv.get(page)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_only_people_who_run_competitions_make_or_revoke_links(arena):
    address = _make(arena)
    with arena.brand:
        link = WallLink.objects.get()
    rep = arena.brand.client("rep")
    assert rep.get("/leaderboards/walls/").status_code == 403
    assert rep.post("/leaderboards/walls/", {"name": "我的屏"}).status_code == 403
    assert rep.post(f"/leaderboards/walls/{link.pk}/revoke/").status_code == 403
    assert arena.brand.client().get(address).status_code == 200  # still open
    with arena.brand:
        assert WallLink.objects.count() == 1


def test_a_link_needs_a_name(arena):
    page = arena.brand.client("ops").post("/leaderboards/walls/", {"name": "  "})
    assert page.status_code == 200 and page.context["form"].errors
    with arena.brand:
        assert not WallLink.objects.exists()


def test_live_links_are_listed_before_revoked_ones(arena):
    _make(arena, "在用")
    _make(arena, "已停用")  # the newer one
    with arena.brand:
        WallLink.objects.filter(name="已停用").update(revoked_at=timezone.now())
    listing = arena.brand.client("ops").get("/leaderboards/walls/")
    assert [link.name for link in listing.context["links"]] == ["在用", "已停用"]


def test_the_wall_says_why_nobody_has_a_rank_yet(arena):
    from decimal import Decimal

    with arena.brand:
        competition = arena.competition(name="五千冲刺", min_value=Decimal(5000))
        arena.sell("r1", 800)
    tv = arena.brand.client()
    live = tv.get(f"{_make(arena)}competitions/{competition.pk}/live/", {"since": "0"}).content.decode()
    assert "还没有人达到资格线 ¥5,000.00：过线后才排名次" in live and "导购1" in live
    with arena.brand:
        arena.sell("r1", 4500)
    live = tv.get(f"{_make(arena, '二号屏')}competitions/{competition.pk}/live/", {"since": "0"}).content.decode()
    assert "资格线 ¥5,000.00：1 人过线" in live


def test_the_participant_count_follows_people_who_join_after_the_board_was_built(arena):
    from apps.leaderboards.boards import BoardContext
    from apps.leaderboards.services.live import board_rebuild, boards_refresh
    from apps.organisation.roles import Role
    from apps.organisation.services import person_create

    with arena.brand:
        context = BoardContext()
        board = next(
            b for b in context.boards() if not b.is_competition and b.metric == "gmv" and b.period.kind == "day"
        )
        before = len(context.field(board))
        board_rebuild(board, context)
        newcomer = person_create(email="new@arena.test", full_name="新导购", roles=[Role.SALES_REP])
        arena.ingest(
            {
                "external_id": "joiner-1",
                "kind": "order",
                "occurred_at": arena.at().isoformat(),
                "member": newcomer.email,
                "amount": "10",
            }
        )
        boards_refresh()
    live = arena.brand.client("ops").get("/leaderboards/standing/gmv/day/live/", {"since": "0"}).content.decode()
    assert f"参与 {before + 1} · 上榜" in live
