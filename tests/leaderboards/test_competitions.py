"""A competition's life: rules set up front and locked once it starts (admin with a logged reason
excepted), the close that freezes winners and prizes, late data that changes nothing until an
admin reopens, history and medals."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.accounts.models import User
from apps.kpis.models import Target
from apps.kpis.selectors.metrics import metrics_registry
from apps.leaderboards import selectors
from apps.leaderboards.boards import Status, competition_board, competition_status
from apps.leaderboards.models import Competition, CompetitionChange, Standing, TieRule
from apps.leaderboards.services.competitions import (
    competition_close,
    competition_delete,
    competition_reopen,
    competitions_close_due,
)
from tests.leaderboards.conftest import D, prizes


def ops(arena) -> User:
    return User.objects.get(pk=arena.brand.ops_id)


def test_bad_rules_are_refused_field_by_field(arena):
    with arena.brand:
        with pytest.raises(ValidationError) as error:
            arena.competition(
                metric="no_such_metric",
                ends_on=arena.today - timedelta(days=1),
                scope=Competition.Scope.TEAM_VS_TEAM,
                teams=[arena.teams["north"]],
                participant_roles=[],
                prizes=prizes("1-3:A", "3-5:B"),
            )
        fields = error.value.message_dict
        assert set(fields) == {"metric", "ends_on", "teams", "participant_roles", "prizes"}
        assert "第 3 名有两个奖励" in fields["prizes"][0]
        assert not Competition.objects.exists()


def test_an_organiser_sets_rules_before_the_start_and_cannot_after(arena):
    with arena.brand:
        upcoming = arena.competition(actor=ops(arena), starts_on=arena.today + timedelta(days=1), reason="")
        from apps.leaderboards.services.competitions import competition_save

        rules = {"name": "改名了", "metric": "gmv", "starts_on": upcoming.starts_on, "ends_on": upcoming.ends_on}
        rules |= {"scope": "brand", "participant_roles": ["sales_rep"]}
        competition_save(actor=ops(arena), competition=upcoming, data=rules, teams=[], prizes=[])
        assert Competition.objects.get(pk=upcoming.pk).name == "改名了"

        running = arena.competition(actor=ops(arena), reason="")  # starts today: allowed
        rules |= {"starts_on": running.starts_on, "ends_on": running.ends_on, "name": "偷偷改"}
        with pytest.raises(PermissionDenied):
            competition_save(actor=ops(arena), competition=running, data=rules, teams=[], prizes=[])
        with pytest.raises(ValidationError) as error:
            competition_save(actor=arena.admin, competition=running, data=rules, teams=[], prizes=[])
        assert "reason" in error.value.message_dict
        competition_save(
            actor=arena.admin, competition=running, data=rules, teams=[], prizes=prizes("1:奖杯"), reason="名称有错别字"
        )
        change = CompetitionChange.objects.filter(competition=running).first()
        assert (change.action, change.actor, change.reason) == ("update", arena.admin, "名称有错别字")
        assert change.diff["name"] == ["测试赛", "偷偷改"] and change.diff["prizes"] == [[], ["1: 奖杯"]]


def test_only_an_admin_with_a_reason_may_set_up_a_competition_that_already_began(arena):
    with arena.brand:
        yesterday = arena.today - timedelta(days=1)
        with pytest.raises(PermissionDenied):
            arena.competition(actor=ops(arena), starts_on=yesterday, reason="")
        with pytest.raises(ValidationError):
            arena.competition(starts_on=yesterday, reason="")
        assert arena.competition(starts_on=yesterday, reason="补录线下比赛").pk


def test_only_a_competition_that_has_not_started_can_be_deleted(arena):
    with arena.brand:
        running = arena.competition()
        with pytest.raises(ValidationError):
            competition_delete(competition=running, actor=arena.admin)
        upcoming = arena.competition(starts_on=arena.today + timedelta(days=3))
        competition_delete(competition=upcoming, actor=ops(arena))
        assert list(Competition.objects.all()) == [running]


def _last_week(arena, **rules):
    start = arena.today - timedelta(days=8)
    return arena.competition(starts_on=start, ends_on=start + timedelta(days=6), **rules)


def test_the_close_freezes_ranks_and_prizes_and_late_data_changes_nothing(arena):
    with arena.brand:
        competition = _last_week(arena, prizes=prizes("1:金", "2-3:银", "achieved:达标奖"))
        day = competition.starts_on + timedelta(days=2)
        Target.objects.create(
            person=arena.reps["r3"], metric="gmv", period_kind="month", period_start=day.replace(day=1), value=D(1)
        )
        for rep, amount in [("r1", 500), ("r2", 900), ("r3", 300), ("r4", 100)]:
            arena.sell(rep, amount, day=day)
        competition_close(competition_id=competition.pk)
        frozen = [(s.name, s.rank, s.value, s.prizes) for s in Standing.objects.filter(competition=competition)]
        assert frozen[:4] == [
            ("导购2", 1, D(900), ["金"]),
            ("导购1", 2, D(500), ["银"]),
            ("导购3", 3, D(300), ["银", "达标奖"]),
            ("导购4", 4, D(100), []),
        ]
        arena.sell("r4", 10_000, day=day)  # arrives after the close
        board = selectors.board_page(
            competition_board(competition),
            viewer=arena.reps["r4"],
            metric=metrics_registry()["gmv"],
            competition=Competition.objects.get(pk=competition.pk),
        )
        assert board.frozen and [r.name for r in board.rows][:2] == ["导购2", "导购1"]
        assert (board.mine.rank, board.mine.value) == (4, D(100))
        history = list(selectors.competitions_history())
        assert [s.name for s in history[0].winners] == ["导购2", "导购1", "导购3"]
        assert [m.competition_id for m in selectors.medals_of(arena.reps["r3"])] == [competition.pk]

        with pytest.raises(PermissionDenied):
            competition_reopen(competition=competition, actor=ops(arena), reason="数据迟到")
        with pytest.raises(ValidationError):
            competition_reopen(competition=competition, actor=arena.admin, reason=" ")
        competition_reopen(competition=competition, actor=arena.admin, reason="门店系统延迟上传")
        assert competitions_close_due() == [competition.pk]  # its close time is long past: frozen anew
        assert Standing.objects.get(competition=competition, rank=1).name == "导购4"
        actions = list(CompetitionChange.objects.filter(competition=competition).values_list("action", "reason"))
        assert actions[:3] == [("close", ""), ("reopen", "门店系统延迟上传"), ("close", "")]


def test_a_competition_closes_only_after_its_settling_time(arena):
    with arena.brand:
        competition = arena.competition(
            starts_on=arena.today - timedelta(days=3), ends_on=arena.today - timedelta(days=1), settle_minutes=120
        )
        end = competition_board(competition).period.end
        from apps.leaderboards.boards import ends_at

        closing = ends_at(competition, "Asia/Shanghai")
        assert closing.date() == end + timedelta(days=1)
        almost = closing + timedelta(minutes=119)
        assert competition_status(competition, almost, "Asia/Shanghai") == Status.SETTLING
        assert competitions_close_due(now=almost) == []
        assert competitions_close_due(now=closing + timedelta(minutes=121)) == [competition.pk]
        assert Competition.objects.get(pk=competition.pk).frozen_at is not None


def test_earlier_first_ties_stay_in_the_order_they_were_reached_when_frozen(arena):
    with arena.brand:
        competition = _last_week(arena, tie_rule=TieRule.EARLIER_FIRST)
        day = competition.starts_on
        arena.sell("r5", 200, day=day)
        arena.sell("r1", 200, day=day)
        live_order = [
            r.name
            for r in selectors.board_page(
                competition_board(competition),
                viewer=arena.admin,
                metric=metrics_registry()["gmv"],
                competition=competition,
            ).rows
        ]
        competition_close(competition_id=competition.pk)
        frozen = [(s.name, s.rank) for s in Standing.objects.filter(competition=competition)]
        assert live_order == ["导购5", "导购1"]
        assert frozen == [("导购5", 1), ("导购1", 2)]


def test_a_custom_metric_a_competition_is_run_on_cannot_be_deleted(arena):
    from apps.kpis.services.metrics import custom_metric_delete, custom_metric_save

    with arena.brand:
        metric = custom_metric_save(code="big_orders", name="大单", formula_text="gmv / orders")
        arena.competition(metric="big_orders")
        with pytest.raises(ValidationError, match="比赛"):
            custom_metric_delete(metric=metric)


def test_teams_in_a_match_cannot_contain_one_another(arena):
    from apps.organisation.models import Team
    from apps.organisation.services import team_create

    with arena.brand:
        region = team_create(name="北区", kind=Team.Kind.REGION)
        north = arena.teams["north"]
        north.parent = region
        north.save()
        with pytest.raises(ValidationError) as error:
            arena.competition(scope=Competition.Scope.TEAM_VS_TEAM, teams=[region, north])
        assert "互相包含" in error.value.message_dict["teams"][0]
