"""The metric engine's breakdowns and stocks, and targets, tiers and scorecards on top of it."""

from datetime import date
from decimal import Decimal

import pytest

from apps.accounts.models import User
from apps.common.periods import Period
from apps.kpis.catalogue import BUILT_IN
from apps.kpis.models import KpiSettings, Target
from apps.kpis.selectors.metrics import Buckets, Scope, metric_table, metric_values
from apps.kpis.selectors.targets import Subject, TargetBook, Tier, achievement, figures, scorecard, tier_for
from apps.kpis.services.events import events_ingest
from apps.kpis.services.metrics import stage_weights_set
from apps.kpis.services.targets import target_set
from apps.organisation.roles import Role
from apps.organisation.services import person_create, team_create
from tests.factories.events import event, local

NOV = Period.of("month", date(2026, 11, 1))


@pytest.fixture
def org(alpha):
    """Two stores of two reps each, with November activity."""
    with alpha:
        region = team_create(name="华东", kind="region")
        east = team_create(name="东店", kind="store", parent=region)
        west = team_create(name="西店", kind="store", parent=region)
        reps = {}
        for name, team in [("r1", east), ("r2", east), ("r3", west), ("r4", west)]:
            reps[name] = person_create(email=f"{name}@alpha.test", full_name=name, roles=[Role.SALES_REP], team=team)
        events_ingest(
            items=[
                event("fan_added", at=local(1), member="r1@alpha.test", quantity=10, channel="wecom"),
                event("fan_deleted", at=local(2), member="r1@alpha.test", quantity=2, channel="wecom"),
                event("fan_added", at=local(3), member="r3@alpha.test", quantity=5, channel="community"),
                event("fan_added", at=local(3, month=12), member="r3@alpha.test", quantity=7, channel="community"),
                event("order", at=local(4), member="r1@alpha.test", customer="k1", amount="100"),
                event("order", at=local(5), member="r2@alpha.test", customer="k1", amount="50"),
                event("order", at=local(6), member="r3@alpha.test", customer="k2", amount="300"),
            ]
        )
        yield {"region": region, "east": east, "west": west, **reps}


def test_team_buckets_equal_each_teams_own_figures(org):
    codes = ["gmv", "orders", "paying_customers", "fans_total", "headcount", "aov", "per_capita_output"]
    buckets = Buckets.of({org["east"].pk: [org["r1"].pk, org["r2"].pk], org["west"].pk: [org["r3"].pk, org["r4"].pk]})
    table = metric_table(codes, Scope.team(org["region"].pk), NOV, group=buckets)
    for team in (org["east"], org["west"]):
        assert table[team.pk] == metric_values(codes, Scope.team(team.pk), NOV)
    # k1 bought from two reps of the east store: one paying customer there, not two
    assert table[org["east"].pk]["paying_customers"] == 1
    assert table[org["east"].pk]["headcount"] == 2 and table[org["east"].pk]["per_capita_output"] == 75


def test_the_pool_size_is_read_at_the_end_of_the_period_and_of_each_day(org):
    assert metric_values(["fans_total"], Scope.brand(), NOV)["fans_total"] == 13  # December's adds excluded
    assert metric_values(["fans_total"], Scope.brand(), Period.of("day", date(2026, 11, 1)))["fans_total"] == 10
    by_day = metric_table(["fans_total"], Scope.brand(), Period.of("week", date(2026, 11, 2)), group="day")
    assert [by_day[date(2026, 11, d)]["fans_total"] for d in (2, 3, 4)] == [8, 13, 13]
    by_channel = metric_table(["fans_total", "fans_added"], Scope.brand(), NOV, group="channel")
    assert by_channel["wecom"] == {"fans_total": 8, "fans_added": 10}


def test_division_by_zero_is_no_value(org):
    values = metric_values(["aov", "roi", "cac"], Scope.member(org["r4"].pk), NOV)
    assert values == {"aov": None, "roi": None, "cac": None}


def test_tiers_are_direction_aware():
    settings = KpiSettings(achieved_pct=100, exceeded_pct=120)
    gmv, deletions = BUILT_IN["gmv"], BUILT_IN["fans_deleted"]
    assert tier_for(achievement(gmv, Decimal(130), Decimal(100)), settings) == Tier.EXCEEDED
    assert tier_for(achievement(gmv, Decimal(100), Decimal(100)), settings) == Tier.ACHIEVED
    assert tier_for(achievement(gmv, Decimal(99), Decimal(100)), settings) == Tier.NOT_ACHIEVED
    # fewer deletions than the target is better: 5 against a ceiling of 10 is 150%
    assert achievement(deletions, Decimal(5), Decimal(10)) == 150
    assert tier_for(achievement(deletions, Decimal(12), Decimal(10)), settings) == Tier.NOT_ACHIEVED
    assert achievement(deletions, Decimal(0), Decimal(0)) == 100


def test_brand_thresholds_move_the_tiers(org):
    target_set(metric="gmv", person=org["r3"], period_kind="month", period_start=date(2026, 11, 1), value=280)
    [figure] = figures(["gmv"], subject=Subject("person", org["r3"].pk), scope=Scope.member(org["r3"].pk), period=NOV)
    assert figure.tier == Tier.ACHIEVED  # 300 / 280 = 107%
    KpiSettings.objects.filter(pk=1).update(achieved_pct=90, exceeded_pct=105)
    [figure] = figures(["gmv"], subject=Subject("person", org["r3"].pk), scope=Scope.member(org["r3"].pk), period=NOV)
    assert figure.tier == Tier.EXCEEDED


def test_month_targets_spread_over_shorter_periods_for_flows_only(org):
    target_set(metric="gmv", person=org["r1"], period_kind="month", period_start=date(2026, 11, 1), value=3000)
    target_set(
        metric="conversion_rate", person=org["r1"], period_kind="month", period_start=date(2026, 11, 1), value=20
    )
    week = Period.of("week", date(2026, 11, 4))  # Mon 2 – Sun 8 November
    book = TargetBook(week)
    subject = Subject("person", org["r1"].pk)
    assert book.target(BUILT_IN["gmv"], subject)[:2] == (Decimal("700.00"), False)
    assert book.target(BUILT_IN["conversion_rate"], subject)[:2] == (Decimal(20), False)


def test_a_team_without_its_own_target_adds_up_its_peoples(org):
    for rep, value in (("r1", 1000), ("r2", 500)):
        target_set(metric="gmv", person=org[rep], period_kind="month", period_start=date(2026, 11, 1), value=value)
    east = Scope.team(org["east"].pk)
    [figure] = figures(["gmv"], subject=Subject("team", org["east"].pk), scope=east, period=NOV)
    assert (figure.actual, figure.target, figure.tier) == (150, 1500, Tier.NOT_ACHIEVED)
    target_set(metric="gmv", team=org["east"], period_kind="month", period_start=date(2026, 11, 1), value=100)
    [figure] = figures(["gmv"], subject=Subject("team", org["east"].pk), scope=east, period=NOV)
    assert figure.target == 100 and figure.tier == Tier.EXCEEDED


def test_quarter_targets_apply_to_their_months(org):
    target_set(metric="orders", person=org["r1"], period_kind="quarter", period_start=date(2026, 10, 1), value=92)
    assert TargetBook(NOV).target(BUILT_IN["orders"], Subject("person", org["r1"].pk))[0] == 30  # 92 × 30 / 92


def test_scorecards_weigh_kpis_by_stage_and_spare_test_phase_misses(org):
    stage_weights_set(stage="growth", role=Role.SALES_REP, weights={"gmv": Decimal(60), "orders": Decimal(40)})
    r1 = org["r1"]
    target_set(metric="gmv", person=r1, period_kind="month", period_start=date(2026, 11, 1), value=50)  # 200%
    target_set(metric="orders", person=r1, period_kind="month", period_start=date(2026, 11, 1), value=4)  # 25%
    card = scorecard(person=r1, role=Role.SALES_REP, period=NOV)
    assert card.score == (60 * 150 + 40 * 25) / Decimal(100)  # GMV capped at 150%
    Target.objects.filter(metric="orders").update(test_phase=True)
    card = scorecard(person=r1, role=Role.SALES_REP, period=NOV)
    assert card.score == 150  # the test-phase miss does not count against the rep
    assert [line.figure.tier for line in card.lines] == [Tier.EXCEEDED, Tier.TEST_PHASE]
    assert [line.figure.tier_label for line in card.lines][1] == "测试期"


def test_a_score_is_the_weighted_capped_achievement_and_its_lines_add_up_to_it(org, alpha):
    stage_weights_set(stage="growth", role=Role.SALES_REP, weights={"gmv": Decimal(60), "orders": Decimal(40)})
    r1 = org["r1"]
    target_set(metric="gmv", person=r1, period_kind="month", period_start=date(2026, 11, 1), value=50)  # 200%
    target_set(metric="orders", person=r1, period_kind="month", period_start=date(2026, 11, 1), value=4)  # 25%
    card = scorecard(person=r1, role=Role.SALES_REP, period=NOV)
    assert [line.points for line in card.lines] == [Decimal(90), Decimal(10)]  # 60% × 150, 40% × 25
    assert card.score == 100 == sum(line.points for line in card.lines)

    api = alpha.client("admin").get(f"/api/v1/scorecards/?member={r1.pk}&period=month&date=2026-11-15")
    assert api.status_code == 200, api.content
    [body] = api.json()["scorecards"]
    assert (body["role"], body["score"], body["cap_pct"]) == ("sales_rep", "100", "150")
    assert [line["points"] for line in body["lines"]] == ["90", "10"]
    page = alpha.client("admin").get(f"/kpis/people/{r1.pk}/?period=month&date=2026-11-15").content.decode()
    assert "100.0 分" in page and "单项最多按 150% 计" in page and ">90.0<" in page
    assert alpha.client("rep").get(f"/api/v1/scorecards/?member={r1.pk}").status_code == 404


def test_a_single_reps_target_is_not_their_teams_the_regions_or_the_brands(org):
    target_set(metric="gmv", person=org["r1"], period_kind="month", period_start=date(2026, 11, 1), value=1000)
    for subject, scope in (
        (Subject("team", org["east"].pk), Scope.team(org["east"].pk)),
        (Subject("team", org["region"].pk), Scope.team(org["region"].pk)),
        (Subject.brand(), Scope.brand()),
    ):
        [figure] = figures(["gmv"], subject=subject, scope=scope, period=NOV)
        assert (figure.target, figure.tier, figure.target_source) == (None, None, None), subject
    target_set(metric="gmv", person=org["r2"], period_kind="month", period_start=date(2026, 11, 1), value=500)
    [figure] = figures(["gmv"], subject=Subject("team", org["east"].pk), scope=Scope.team(org["east"].pk), period=NOV)
    assert (figure.target, figure.target_source) == (1500, "members")  # every rep of the store has one now
    [figure] = figures(
        ["gmv"], subject=Subject("team", org["region"].pk), scope=Scope.team(org["region"].pk), period=NOV
    )
    assert figure.target is None  # the west store's reps have none


def test_custom_ranges_and_period_navigation():
    period = Period.from_params({"period": "week", "date": "2026-11-25"}, today=date(2026, 1, 1))
    assert (period.start, period.end) == (date(2026, 11, 23), date(2026, 11, 29))
    assert Period.of("quarter", date(2026, 11, 25)).shifted(-1).start == date(2026, 7, 1)
    assert Period.of("month", date(2026, 1, 31)).shifted(1).end == date(2026, 2, 28)
    custom = Period.from_params({"period": "custom", "start": "2026-11-01", "end": "2026-11-10"}, date(2026, 1, 1))
    assert custom.days == 10 and custom.shifted(-1).end == date(2026, 10, 31)
    with pytest.raises(ValueError, match="不能早于"):
        Period.from_params({"period": "custom", "start": "2026-11-10", "end": "2026-11-01"}, date(2026, 1, 1))


def test_people_who_left_keep_their_history(org):
    org["r2"].is_active = False
    org["r2"].save()
    assert metric_values(["gmv"], Scope.team(org["east"].pk), NOV)["gmv"] == 150
    assert User.objects.filter(pk=org["r2"].pk).exists()


def test_a_running_period_judges_flows_on_the_share_due_so_far(org):
    target_set(metric="gmv", person=org["r3"], period_kind="month", period_start=date(2026, 11, 1), value=400)
    target_set(metric="fans_total", person=org["r3"], period_kind="month", period_start=date(2026, 11, 1), value=5)
    gmv, pool = figures(
        ["gmv", "fans_total"],
        subject=Subject("person", org["r3"].pk),
        scope=Scope.member(org["r3"].pk),
        period=NOV,
        today=date(2026, 11, 15),
    )
    assert (gmv.target, gmv.pace_target, gmv.rate, gmv.tier) == (400, 200, 150, Tier.EXCEEDED)  # 300 of 200 due
    assert pool.pace_target is None and pool.tier == Tier.ACHIEVED  # a stock is judged as it stands
    [final] = figures(
        ["gmv"],
        subject=Subject("person", org["r3"].pk),
        scope=Scope.member(org["r3"].pk),
        period=NOV,
        today=date(2026, 12, 1),
    )
    assert final.pace_target is None and final.tier == Tier.NOT_ACHIEVED  # 300 of 400


def test_a_running_period_is_compared_on_its_whole_days_with_as_many_of_the_previous_one():
    from apps.kpis.selectors.boards import comparable_pair

    november, october = Period.of("month", date(2026, 11, 1)), Period.of("month", date(2026, 10, 1))
    # The 25th: 24 whole days of November (today is half lived) against October's first 24.
    assert comparable_pair(november, date(2026, 11, 25)) == (
        Period.custom(date(2026, 11, 1), date(2026, 11, 24)),
        Period.custom(date(2026, 10, 1), date(2026, 10, 24)),
    )
    assert comparable_pair(november, date(2026, 12, 2)) == (november, october)  # over: whole periods
    assert comparable_pair(november, date(2026, 11, 1)) is None  # the 1st: no whole day to compare yet
    assert comparable_pair(Period.of("day", date(2026, 11, 5)), date(2026, 11, 5)) is None
    march = Period.of("month", date(2026, 3, 1))  # 31 days of March against February's 28
    assert comparable_pair(march, date(2026, 3, 31))[1].end == date(2026, 2, 28)


def test_on_the_2nd_of_a_month_the_1st_meets_last_months_1st_and_today_is_not_compared(org):
    from apps.kpis.selectors.boards import headlines
    from apps.kpis.selectors.focus import Focus

    events_ingest(
        items=[
            event("order", at=local(1), member="r2@alpha.test", customer="k8", amount="100"),
            event("order", at=local(1, month=12), member="r1@alpha.test", customer="k9", amount="80"),
            event("order", at=local(2, month=12, hour=9), member="r1@alpha.test", customer="k9", amount="500"),
        ]
    )
    focus = Focus(Scope.brand(), Subject.brand(), "brand")
    [gmv] = headlines(["gmv"], focus, Period.of("month", date(2026, 12, 1)), date(2026, 12, 2))
    assert (gmv.figure.actual, gmv.current, gmv.previous) == (580, 80, 100)  # the card shows today's 500 too
    assert gmv.basis == Period.custom(date(2026, 11, 1), date(2026, 11, 1))
    assert gmv.change == -20 and gmv.change_text == "-20.0%" and gmv.improved is False


def test_rates_and_ratios_change_in_points_not_in_percent():
    from apps.kpis.selectors.boards import Headline
    from apps.kpis.selectors.targets import Figure

    basis = Period.of("day", date(2026, 11, 1))
    roi = Headline(Figure(BUILT_IN["roi"], Decimal(120)), Decimal(150), Decimal(120), basis)
    assert roi.change == -30 and roi.change_text == "-30.0 个百分点"  # ROI in %: not −20 %
    ltv_cac = Headline(Figure(BUILT_IN["ltv_cac"], Decimal("1.2")), Decimal("1.5"), Decimal("1.2"), basis)
    assert ltv_cac.change == Decimal("-0.3") and ltv_cac.change_text == "-0.30"
    repurchase = Headline(Figure(BUILT_IN["repurchase_rate"], Decimal(20)), Decimal(40), Decimal(20), basis)
    assert repurchase.change == -20 and repurchase.change_text == "-20.0 个百分点"  # not −50 %
    from_nothing = Headline(Figure(BUILT_IN["repurchase_rate"], Decimal(20)), Decimal(0), Decimal(20), basis)
    assert from_nothing.change_text == "+20.0 个百分点"


def test_a_trend_marks_today_as_unfinished_and_leaves_days_to_come_empty(alpha):
    from apps.kpis.selectors.boards import trend_chart
    from apps.kpis.selectors.metrics import metrics_registry

    with alpha:
        events_ingest(items=[event("order", at=local(24), member="rep@alpha.test", amount="50")])
        registry = metrics_registry()
        november = Period.of("month", date(2026, 11, 1))
        running = trend_chart("t", "x", ["gmv"], Scope.brand(), november, registry, date(2026, 11, 25)).as_json()
        assert running["partial"] == 24 and running["x"][24] == "11-25"
        assert running["series"][0]["data"][23] == 50.0 and running["series"][0]["data"][25:] == [None] * 5
        done = trend_chart("t", "x", ["gmv"], Scope.brand(), november, registry, date(2026, 12, 3)).as_json()
        assert done["partial"] is None
