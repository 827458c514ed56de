"""Demo competitions: this month's GMV race and this week's fans-added match between stores,
running; last month's GMV race and last week's fans-added sprint, finished with winners. Set up
through the services, as an admin backfilling them would (with a reason), then closed."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model

from apps.common.periods import Period, add_months
from apps.leaderboards.models import Competition, TieRule
from apps.leaderboards.services.competitions import PrizeSpec, competition_close, competition_save
from apps.organisation.models import Team
from apps.organisation.roles import Role

User = get_user_model()
REASON = "演示数据：品牌开通前已在线下进行的比赛"


def _competition(admin, teams=(), prizes=(), **data) -> Competition:
    rules = {
        "scope": Competition.Scope.BRAND,
        "participant_roles": [Role.SALES_REP],
        "tie_rule": TieRule.SHARED,
        "show_amounts": True,
        "settle_minutes": 60,
        "description": "",
        "min_value": None,
        "per_capita": False,
        **data,
    }
    return competition_save(actor=admin, data=rules, teams=list(teams), prizes=list(prizes), reason=REASON)


def seed_demo_leaderboards(*, today: date) -> int:
    admin = User.objects.filter(roles__contains=[Role.BRAND_ADMIN]).order_by("pk").first()
    stores = list(Team.objects.filter(kind=Team.Kind.STORE).order_by("name"))
    month, week = Period.of("month", today), Period.of("week", today)
    last_month = Period.of("month", add_months(month.start, -1))
    last_week = Period.of("week", week.start - timedelta(days=7))
    gmv_prizes = [
        PrizeSpec("¥2,000 奖金 + 销冠奖杯", 1, 1),
        PrizeSpec("¥800 奖金", 2, 3),
        PrizeSpec("¥300 购物卡", 4, 10),
        PrizeSpec("¥200 达标奖", tier="achieved"),
        PrizeSpec("¥500 超额奖", tier="exceeded"),
    ]
    _competition(
        admin,
        name=f"{month.start.month} 月销冠争霸赛",
        metric="gmv",
        starts_on=month.start,
        ends_on=month.end,
        min_value=Decimal(5000),
        prizes=gmv_prizes,
        description="本月个人成交金额排名，成交满 ¥5,000 才参与排名；达成个人 GMV 目标另有达标奖。",
    )
    _competition(
        admin,
        name="本周门店加粉 PK",
        metric="fans_added",
        starts_on=week.start,
        ends_on=week.end,
        scope=Competition.Scope.TEAM_VS_TEAM,
        teams=stores,
        per_capita=True,
        prizes=[PrizeSpec("团队聚餐基金 ¥1,000", 1, 1), PrizeSpec("下午茶 ¥300", 2, 2)],
        description="各门店按人均新增好友数比拼。",
    )
    finished = [
        _competition(
            admin,
            name=f"{last_month.start.month} 月销冠争霸赛",
            metric="gmv",
            starts_on=last_month.start,
            ends_on=last_month.end,
            prizes=gmv_prizes[:3],
        ),
        _competition(
            admin,
            name="上周加粉冲刺",
            metric="fans_added",
            starts_on=last_week.start,
            ends_on=last_week.end,
            tie_rule=TieRule.EARLIER_FIRST,
            prizes=[PrizeSpec("¥500 奖金", 1, 1), PrizeSpec("¥200 奖金", 2, 3)],
        ),
    ]
    for competition in finished:
        competition_close(competition_id=competition.pk)
    return 4
