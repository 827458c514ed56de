"""Live boards: figures in → ranks move; ties by the rule; the viewer's place and gaps; Redis lost
→ the same board rebuilt from PostgreSQL."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from apps.common.redis import connect
from apps.kpis.selectors.metrics import metrics_registry
from apps.leaderboards import selectors, store
from apps.leaderboards.boards import competition_board
from apps.leaderboards.models import Competition, Entry, TieRule
from apps.leaderboards.services import live
from tests.leaderboards.conftest import D, prizes


def page(arena, board, viewer=None, competition=None, top=50, **kwargs):
    return selectors.board_page(
        board,
        viewer=viewer or arena.admin,
        metric=metrics_registry()[board.metric],
        competition=competition,
        top=top,
        **kwargs,
    )


def standings(arena, board, competition=None):
    return [(row.name, row.rank, row.value) for row in page(arena, board, competition=competition).rows]


def test_an_order_moves_the_standing_board_as_soon_as_it_is_stored(arena):
    with arena.brand:
        board = selectors.standing_board_of("gmv", "day", arena.today)
        assert standings(arena, board) == []
        arena.sell("r1", 300)
        arena.sell("r2", 500)
        assert standings(arena, board) == [("导购2", 1, D(500)), ("导购1", 2, D(300))]
        arena.sell("r1", 250)
        assert standings(arena, board) == [("导购1", 1, D(550)), ("导购2", 2, D(500))]
        week = selectors.standing_board_of("gmv", "week", arena.today)
        assert standings(arena, week)[0] == ("导购1", 1, D(550))


def test_someone_outside_the_top_sees_their_rank_and_the_gaps_to_the_next_and_the_prize_line(arena):
    with arena.brand:
        competition = arena.competition(prizes=prizes("1:金", "2-3:银"))
        board = competition_board(competition)
        for rep, amount in [("r1", 900), ("r2", 800), ("r3", 700), ("r4", 600), ("r5", 100)]:
            arena.sell(rep, amount)
        seen = page(arena, board, viewer=arena.reps["r5"], competition=competition, top=2)
        assert [row.name for row in seen.rows] == ["导购1", "导购2"]
        mine = seen.mine
        assert (mine.rank, mine.value) == (5, D(100))
        assert (mine.next_rank, mine.gap_next) == (4, D(500))
        assert not mine.in_prizes and mine.gap_prize == D(600)  # to 3rd place's 700
        # r6 has sold nothing yet: not on the board, but still told what it takes.
        newcomer = page(arena, board, viewer=arena.reps["r6"], competition=competition, top=2).mine
        assert (newcomer.rank, newcomer.on_board, newcomer.gap_next, newcomer.gap_prize) == (
            None,
            False,
            D(100),
            D(700),
        )
        leader = page(arena, board, viewer=arena.reps["r1"], competition=competition).mine
        assert leader.rank == 1 and leader.in_prizes and leader.prizes == ["金"]


def test_shared_ties_share_a_rank_and_earlier_first_puts_the_first_to_get_there_ahead(arena):
    with arena.brand:
        shared = arena.competition(name="并列", tie_rule=TieRule.SHARED)
        earlier = arena.competition(name="先到", tie_rule=TieRule.EARLIER_FIRST)
        arena.sell("r1", 100)
        arena.sell("r2", 300)  # r2 reaches 300 first …
        arena.sell("r1", 200)  # … r1 only now
        arena.sell("r3", 50)
        shared_ranks = {r.name: r.rank for r in page(arena, competition_board(shared), competition=shared).rows}
        assert shared_ranks == {"导购1": 1, "导购2": 1, "导购3": 3}
        ordered = [(r.name, r.rank) for r in page(arena, competition_board(earlier), competition=earlier).rows]
        assert ordered == [("导购2", 1), ("导购1", 2), ("导购3", 3)]


def test_below_the_qualifying_line_there_is_no_rank_and_the_gap_to_the_line_is_shown(arena):
    with arena.brand:
        competition = arena.competition(min_value=Decimal(500), prizes=prizes("1-3:奖"))
        arena.sell("r1", 800)
        arena.sell("r2", 200)
        seen = page(arena, competition_board(competition), viewer=arena.reps["r2"], competition=competition)
        assert [(r.name, r.rank, r.prizes) for r in seen.rows] == [("导购1", 1, ["奖"]), ("导购2", None, [])]
        assert seen.qualified == 1
        assert (seen.mine.qualified, seen.mine.gap_qualify, seen.mine.prizes) == (False, D(300), [])


def test_lower_is_better_ranks_the_fewest_first(arena):
    with arena.brand:
        competition = arena.competition(metric="fans_deleted")
        assert competition.lower_is_better  # the metric's own direction by default
        for rep, n in [("r1", 5), ("r2", 1), ("r3", 3)]:
            arena.ingest(
                {
                    "external_id": f"del-{rep}",
                    "kind": "fan_deleted",
                    "occurred_at": arena.at().isoformat(),
                    "member": arena.reps[rep].email,
                    "quantity": n,
                }
            )
        ranked = page(arena, competition_board(competition), competition=competition).rows
        # Nobody deleted is best of all: the four reps with none share first place.
        assert [r.rank for r in ranked[:4]] == [1, 1, 1, 1] and all(r.value == 0 for r in ranked[:4])
        assert [(r.name, r.rank, r.value) for r in ranked[4:]] == [("导购2", 5, 1), ("导购3", 6, 3), ("导购1", 7, 5)]


def test_teams_compete_on_their_people_total_or_per_head(arena):
    with arena.brand:
        teams = [arena.teams["north"], arena.teams["south"]]
        total = arena.competition(name="总量", metric="fans_added", scope=Competition.Scope.TEAM_VS_TEAM, teams=teams)
        per_head = arena.competition(
            name="人均", metric="fans_added", scope=Competition.Scope.TEAM_VS_TEAM, teams=teams, per_capita=True
        )
        arena.fans("r1", 12)  # north: 12 among 3 people
        arena.fans("r4", 10)  # south: 10 among 3
        rows = page(arena, competition_board(total), competition=total).rows
        assert [(r.name, r.value) for r in rows] == [("北店", D(12)), ("南店", D(10))]
        rows = page(arena, competition_board(per_head), competition=per_head).rows
        assert [(r.name, r.value) for r in rows] == [("北店", D(4)), ("南店", D("3.3333"))]
        mine = page(arena, competition_board(per_head), viewer=arena.reps["r5"], competition=per_head).mine
        assert (mine.subject_id, mine.rank) == (arena.teams["south"].pk, 2)


def test_hidden_amounts_are_hidden_from_reps_but_not_from_managers_nor_from_oneself(arena):
    with arena.brand:
        competition = arena.competition(show_amounts=False)
        arena.sell("r1", 900)
        arena.sell("r2", 100)
        board = competition_board(competition)
        assert not page(arena, board, viewer=arena.reps["r2"], competition=competition).show_amounts
        assert page(arena, board, viewer=arena.admin, competition=competition).show_amounts
        assert not page(arena, board, viewer=arena.admin, competition=competition, for_wall=True).show_amounts
        html = arena.brand.client_for(arena.reps["r2"].pk).get(f"/leaderboards/competitions/{competition.pk}/")
        text = html.content.decode()
        assert "¥100.00" in text  # their own
        assert "¥900.00" not in text  # someone else's


def _snapshot(arena, board, competition=None):
    seen = page(arena, board, competition=competition, viewer=arena.reps["r3"])
    return [(r.subject_id, r.rank, r.value) for r in seen.rows], (seen.mine.rank, seen.mine.gap_next)


def test_after_redis_is_flushed_boards_are_rebuilt_identical_ties_included(arena):
    with arena.brand:
        competition = arena.competition(tie_rule=TieRule.EARLIER_FIRST)
        for rep, amount in [("r2", 300), ("r1", 300), ("r3", 100), ("r4", 300), ("r5", 50)]:
            arena.sell(rep, amount)
        boards = [competition_board(competition), selectors.standing_board_of("gmv", "day", arena.today)]
        before = [_snapshot(arena, b, competition if b.is_competition else None) for b in boards]
        assert before[0][0][:3] == [(arena.reps[r].pk, rank, D(300)) for r, rank in [("r2", 1), ("r1", 2), ("r4", 3)]]
        store.client().flushdb()
        after = [_snapshot(arena, b, competition if b.is_competition else None) for b in boards]  # from PostgreSQL
        assert after == before
        assert store.built_at(boards[0]) is None  # a read changes nothing
        viewer = arena.brand.client_for(arena.reps["r3"].pk)
        assert viewer.get(f"/api/v1/competitions/{competition.pk}/board/").status_code == 200
        assert store.built_at(boards[0]) is not None  # the viewer's page asked a worker (here in-process) to build it
        assert _snapshot(arena, boards[0], competition) == before[0]
        store.client().flushdb()
        call_command("rebuild_leaderboards", arena.brand.brand.slug)
        assert store.built_at(boards[0]) is not None
        assert [_snapshot(arena, b, competition if b.is_competition else None) for b in boards] == before


def test_with_redis_down_the_board_is_computed_from_postgresql(arena, monkeypatch):
    with arena.brand:
        arena.sell("r1", 300)
        arena.sell("r2", 200)
        board = selectors.standing_board_of("gmv", "day", arena.today)
        expected = standings(arena, board)
        dead = connect("redis://127.0.0.1:1/0")  # configured as the product's own clients are
        monkeypatch.setattr(store, "client", lambda: dead)
        monkeypatch.setattr(store, "_script", lambda source: dead.register_script(source))
        assert standings(arena, board) == expected
        arena.sell("r3", 900)  # ingestion does not fail because Redis is away
        assert standings(arena, board)[0] == ("导购3", 1, D(900))


def test_a_rep_who_left_drops_off_at_the_next_resync(arena):
    with arena.brand:
        board = selectors.standing_board_of("gmv", "day", arena.today)
        arena.sell("r1", 300)
        arena.sell("r2", 200)
        arena.reps["r1"].is_active = False
        arena.reps["r1"].save()
        assert standings(arena, board)[0][0] == "导购1"
        assert live.boards_resync(older_than=0) >= 1
        assert [name for name, _r, _v in standings(arena, board)] == ["导购2"]


def test_a_change_of_rules_starts_the_live_entries_over(arena):
    with arena.brand:
        competition = arena.competition()
        arena.sell("r1", 300)
        page(arena, competition_board(competition), competition=competition)
        assert Entry.objects.filter(competition=competition).count() == 1
        from apps.leaderboards.services.competitions import competition_save

        data = {name: getattr(competition, name) for name in ("name", "starts_on", "ends_on", "scope")}
        with arena.capture(execute=True):
            competition_save(
                actor=arena.admin,
                competition=competition,
                data={**data, "metric": "fans_added", "participant_roles": ["sales_rep"]},
                teams=[],
                prizes=[],
                reason="改比加粉",
            )
        assert not Entry.objects.filter(competition=competition).exists()
        competition.refresh_from_db()
        arena.fans("r2", 3)
        rows = page(arena, competition_board(competition), competition=competition).rows
        assert [(r.name, r.value) for r in rows] == [("导购2", D(3))]


@pytest.mark.parametrize("kind", ["day", "week", "month"])
def test_standing_boards_cover_their_period(arena, kind):
    with arena.brand:
        from datetime import timedelta

        arena.sell("r1", 100, day=arena.today - timedelta(days=40))  # outside every standing period
        arena.sell("r2", 100)
        names = [name for name, _r, _v in standings(arena, selectors.standing_board_of("gmv", kind, arena.today))]
        assert names == ["导购2"]


def test_a_refresh_that_changes_nothing_leaves_the_version_so_viewers_get_204(arena):
    with arena.brand:
        arena.sell("r1", 100)
        board = selectors.standing_board_of("gmv", "day", arena.today)
        page(arena, board)
        version = store.version(board.key)
        store.mark_dirty([arena.reps["r1"].pk, arena.reps["r2"].pk], [arena.today])
        assert live.boards_refresh() > 0
        assert store.version(board.key) == version
        arena.sell("r2", 5)
        assert store.version(board.key) > version


def test_a_compliance_competition_moves_when_a_manager_confirms_a_violation(arena):
    from apps.compliance.models import Violation
    from apps.compliance.services.messages import messages_ingest
    from apps.compliance.services.review import violation_review
    from apps.compliance.services.scanning import messages_scan

    with arena.brand:
        competition = arena.competition(
            name="零违规月",
            metric="violations",
            participant_roles=["sales_rep"],
            scope=Competition.Scope.TEAMS,
            teams=[arena.teams["north"]],
        )
        with arena.capture(execute=True):
            _result, stored = messages_ingest(
                items=[
                    {
                        "message_id": "lb-1",
                        "conversation_id": "c1",
                        "rep": arena.reps["r2"].email,
                        "customer": "wm-1",
                        "direction": "rep_to_customer",
                        "sent_at": arena.at().isoformat(),
                        "text": "亲，私下转账给我更便宜",
                    }
                ]
            )
            messages_scan(message_ids=stored)
        board = competition_board(competition)
        assert {r.name: r.rank for r in page(arena, board, competition=competition).rows} == {
            "导购1": 1,
            "导购2": 1,
            "导购3": 1,
        }  # open violations do not count until confirmed
        violation = Violation.objects.get(rep=arena.reps["r2"])
        with arena.capture(execute=True):
            violation_review(violation=violation, actor=arena.admin, action="confirm")
        rows = page(arena, board, competition=competition).rows
        assert [(r.name, r.rank, r.value) for r in rows][-1] == ("导购2", 3, D(1))


def test_someone_who_leaves_a_team_or_a_role_leaves_its_boards_at_once(arena):
    from apps.organisation.services import person_update

    with arena.brand:
        teams = [arena.teams["north"], arena.teams["south"]]
        north_only = arena.competition(name="北店赛", scope=Competition.Scope.TEAMS, teams=[teams[0]])
        match = arena.competition(name="对抗", scope=Competition.Scope.TEAM_VS_TEAM, teams=teams)
        arena.sell("r1", 300)
        arena.sell("r2", 100)
        assert [r.name for r in page(arena, competition_board(north_only), competition=north_only).rows] == [
            "导购1",
            "导购2",
        ]
        with arena.capture(execute=True):
            person_update(person=arena.reps["r1"], team=arena.teams["south"])  # moves store
        assert [r.name for r in page(arena, competition_board(north_only), competition=north_only).rows] == ["导购2"]
        assert [(r.name, r.value) for r in page(arena, competition_board(match), competition=match).rows] == [
            ("南店", D(300)),
            ("北店", D(100)),
        ]
        with arena.capture(execute=True):
            person_update(person=arena.reps["r2"], roles=["copywriter"])
        assert page(arena, competition_board(north_only), competition=north_only).rows == []


def test_a_change_committed_after_leaving_the_brands_schema_still_reaches_its_boards(arena):
    from django.db import connection
    from django_tenants.utils import schema_context

    from apps.kpis.services.events import events_ingest

    schema = connection.schema_name
    board = selectors.standing_board_of("gmv", "day", arena.today)
    page(arena, board)
    with arena.capture(execute=True):
        events_ingest(items=[arena.order("r1", 77)])
        connection.set_schema_to_public()  # as brand creation does before its transaction commits
    with schema_context(schema):
        assert standings(arena, board) == [("导购1", 1, D(77))]
