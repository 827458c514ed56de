"""What a daily report says about one brand-local day, computed once and stored as plain JSON.

Every query is bounded by the day, the week before it or its month (rollups per person and
day), never by the brand's history, so a report costs the same in a brand's first month and
its fifth year. Figures come from the same metric engine and target book as every KPI page.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db.models import Count

from apps.compliance.models import Decision, Violation
from apps.kpis.formatting import decimal_text
from apps.kpis.periods import Period
from apps.kpis.selectors.metrics import Buckets, Scope, metric_table, metric_values, metrics_registry
from apps.kpis.selectors.targets import Subject, TargetBook, achievement, kpi_settings, tier_for
from apps.leaderboards.boards import Board
from apps.leaderboards.models import Competition
from apps.leaderboards.ranking import rank_all
from apps.leaderboards.selectors import board_page, competition_board
from apps.organisation.models import Membership, Team
from apps.organisation.roles import Role
from apps.organisation.selectors import team_members_map
from apps.reports.models import DailyLog

User = get_user_model()
# The figures a report follows, in the order it shows them; then the work done.
FIGURES = ["gmv", "orders", "aov", "fans_added", "fans_deleted", "interactions"]
WORK = ["tasks_done", "tasks_assigned", "task_execution_rate", "follow_ups"]
TREND = ["gmv", "fans_added"]
TREND_DAYS = 14
MOVERS = 5
LISTED_VIOLATIONS = 30


def _text(value: Decimal | None) -> str | None:
    return decimal_text(value, places=2)


def _change(now: Decimal | None, before: Decimal | None) -> str | None:
    if now is None or not before:
        return None
    return _text((now - before) / abs(before) * 100)


class _Figures:
    """The four periods a report compares, for people, teams and the brand, in a dozen queries."""

    def __init__(
        self, day: date, rep_ids: list[int], teams: dict[int, frozenset[int]], levels: list[list[int]], registry
    ):
        self.registry = registry
        self.day = Period.of("day", day)
        self.month = Period.of("month", day)
        periods = {
            "day": self.day,
            "prev": self.day.shifted(-1),
            "week": Period.of("day", day - timedelta(days=7)),
            "mtd": Period.custom(self.month.start, day),
        }
        codes = FIGURES + WORK
        self.people = {
            name: metric_table(codes, Scope.brand(), p, group="member", keys=rep_ids, registry=registry)
            for name, p in periods.items()
        }
        # A person counts in a store and in its region: buckets overlap across levels, so each
        # level (teams of one depth never share people) is grouped on its own.
        self.teams = {name: {} for name in periods}
        for level in levels:
            buckets = Buckets.of({pk: teams[pk] for pk in level})
            for name, p in periods.items():
                self.teams[name].update(
                    metric_table(codes, Scope.brand(), p, group=buckets, keys=level, registry=registry)
                )
        self.brand = {name: metric_values(codes, Scope.brand(), p, registry=registry) for name, p in periods.items()}
        self.day_targets = TargetBook(self.day, FIGURES)
        self.month_targets = TargetBook(self.month, FIGURES)
        self.settings = kpi_settings()
        self.elapsed = (day - self.month.start).days + 1
        self.remaining = (self.month.end - day).days

    def section(self, tables: dict, key, subject: Subject, member_ids=None) -> dict:
        values = {name: (table.get(key, {}) if key is not None else table) for name, table in tables.items()}
        figures = {}
        for code in FIGURES:
            metric = self.registry[code]
            day_value, mtd = values["day"].get(code), values["mtd"].get(code)
            day_target, _test = self.day_targets.target(metric, subject, member_ids)
            month_target, _test = self.month_targets.target(metric, subject, member_ids)
            due = month_target * self.elapsed / self.month.days if month_target is not None and metric.flow else None
            mtd_rate = achievement(metric, mtd, due if due is not None else month_target)
            needed = None
            if metric.flow and not metric.lower_is_better and month_target is not None and self.remaining:
                needed = max(Decimal(0), (month_target - (mtd or 0)) / self.remaining)
            day_rate = achievement(metric, day_value, day_target)
            figures[code] = {
                "day": _text(day_value),
                "target": _text(day_target),
                "rate": _text(day_rate),
                "tier": tier_for(day_rate, self.settings),
                "prev": _text(values["prev"].get(code)),
                "vs_prev": _change(day_value, values["prev"].get(code)),
                "week": _text(values["week"].get(code)),
                "vs_week": _change(day_value, values["week"].get(code)),
                "mtd": _text(mtd),
                "month_target": _text(month_target),
                "mtd_rate": _text(mtd_rate),
                "mtd_tier": tier_for(mtd_rate, self.settings),
                "needed_per_day": _text(needed),
            }
        work = {code: _text(values["day"].get(code)) for code in WORK}
        return {"figures": figures, "work": work}


def _violations(day: date, time_zone: str) -> tuple[dict, list[dict]]:
    """Per person: violations found on the day and those confirmed that day; the day's list."""
    zone = ZoneInfo(time_zone)
    start = datetime.combine(day, time.min, zone)
    found = Violation.objects.filter(day=day)
    per_person: dict[int, dict] = defaultdict(lambda: {"new": 0, "confirmed": 0})
    for rep_id, n in found.values_list("rep_id").annotate(n=Count("pk")):
        per_person[rep_id]["new"] = n
    confirmed = Decision.objects.filter(
        action=Decision.Action.CONFIRM, decided_at__gte=start, decided_at__lt=start + timedelta(days=1)
    )
    for rep_id, n in confirmed.values_list("violation__rep_id").annotate(n=Count("pk")):
        per_person[rep_id]["confirmed"] = n
    listed = [
        {
            "id": v.pk,
            "rep": v.rep_id,
            "category": v.category,
            "severity": v.severity,
            "status": v.status,
            "matched": v.matched_text,
        }
        for v in found.order_by("-severity", "-created_at")[:LISTED_VIOLATIONS]
    ]
    return dict(per_person), listed


def _movers(day: date, rep_ids: list[int], registry) -> dict:
    """Month-to-date GMV ranks among reps at the end of the day against the day before."""
    month_start = day.replace(day=1)
    board = Board(key="report", metric="gmv", period=Period.custom(month_start, day), lower_is_better=False)
    now = metric_table(["gmv"], Scope.brand(), board.period, group="member", keys=rep_ids, registry=registry)
    ranks_now = {r.subject_id: r.rank for r in rank_all(((pk, now[pk]["gmv"], None) for pk in rep_ids), board)}
    ranks_before: dict[int, int] = {}
    if day > month_start:
        before = metric_table(
            ["gmv"],
            Scope.brand(),
            Period.custom(month_start, day - timedelta(days=1)),
            group="member",
            keys=rep_ids,
            registry=registry,
        )
        ranks_before = {
            r.subject_id: r.rank for r in rank_all(((pk, before[pk]["gmv"], None) for pk in rep_ids), board)
        }
    moves = [
        {"id": pk, "rank": rank, "before": ranks_before.get(pk), "up": ranks_before[pk] - rank}
        for pk, rank in ranks_now.items()
        if pk in ranks_before and ranks_before[pk] > rank
    ]
    moves.sort(key=lambda move: (-move["up"], move["rank"]))
    top = sorted(
        ({"id": pk, "rank": rank, "before": ranks_before.get(pk)} for pk, rank in ranks_now.items() if rank <= 3),
        key=lambda item: item["rank"],
    )
    return {"top": top, "up": moves[:MOVERS]}


def _competitions(day: date, registry, time_zone: str) -> list[dict]:
    running = Competition.objects.filter(starts_on__lte=day, ends_on__gte=day).prefetch_related("prizes", "teams")
    result = []
    for competition in running:
        if competition.metric not in registry:
            continue
        page = board_page(
            competition_board(competition),
            viewer=None,
            metric=registry[competition.metric],
            competition=competition,
            top=3,
            time_zone=time_zone,
            for_wall=True,
        )
        result.append(
            {
                "id": competition.pk,
                "name": competition.name,
                "metric": competition.metric,
                "top": [{"rank": row.rank, "name": row.name, "value": _text(row.value)} for row in page.rows],
            }
        )
    return result


def _levels(teams: list[dict]) -> list[list[int]]:
    """Teams by depth (regions, then stores …): within a level no two teams share a person."""
    parent = {team["pk"]: team["parent_id"] for team in teams}

    def depth(pk):
        return 0 if parent.get(pk) is None else 1 + depth(parent[pk])

    levels: dict[int, list[int]] = defaultdict(list)
    for pk in parent:
        levels[depth(pk)].append(pk)
    return [levels[d] for d in sorted(levels)]


def report_build(*, day: date, time_zone: str) -> dict:
    registry = metrics_registry()
    reps = list(
        User.objects.filter(is_active=True, roles__contains=[Role.SALES_REP])
        .order_by("name_sort", "pk")
        .values("pk", "full_name")
    )
    rep_ids = [rep["pk"] for rep in reps]
    team_of = dict(Membership.objects.filter(person_id__in=rep_ids).values_list("person_id", "team_id"))
    teams = list(Team.objects.order_by("name").values("pk", "name", "parent_id", "kind", "leader_id"))
    members = team_members_map()
    figures = _Figures(day, rep_ids, members, _levels(teams), registry)
    violations, listed = _violations(day, time_zone)
    filed = set(DailyLog.objects.filter(day=day).values_list("person_id", flat=True))
    nothing = {"new": 0, "confirmed": 0}

    def people_count(ids, key):
        return sum(violations.get(pk, nothing)[key] for pk in ids)

    brand = figures.section(figures.brand, None, Subject.brand())
    brand["violations"] = {k: people_count(violations, k) for k in ("new", "confirmed")}
    brand["missing_logs"] = [pk for pk in rep_ids if pk not in filed]
    team_sections = []
    for team in teams:
        section = figures.section(figures.teams, team["pk"], Subject("team", team["pk"]), members[team["pk"]])
        section.update(
            id=team["pk"],
            name=team["name"],
            parent=team["parent_id"],
            kind=team["kind"],
            leader=team["leader_id"],
            reps=[pk for pk in rep_ids if pk in members[team["pk"]]],
            violations={k: people_count(members[team["pk"]], k) for k in ("new", "confirmed")},
        )
        team_sections.append(section)
    rep_sections = []
    for rep in reps:
        section = figures.section(figures.people, rep["pk"], Subject("person", rep["pk"]))
        section.update(
            id=rep["pk"],
            name=rep["full_name"],
            team=team_of.get(rep["pk"]),
            violations=violations.get(rep["pk"], nothing),
            log_filed=rep["pk"] in filed,
        )
        rep_sections.append(section)
    trend_period = Period.custom(day - timedelta(days=TREND_DAYS - 1), day)
    trend = metric_table(TREND, Scope.brand(), trend_period, group="day", registry=registry)
    return {
        "day": day.isoformat(),
        "month": {"start": figures.month.start.isoformat(), "days": figures.month.days, "elapsed": figures.elapsed},
        "figures": FIGURES,
        "brand": brand,
        "teams": team_sections,
        "reps": rep_sections,
        "violations": listed,
        "leaderboard": {**_movers(day, rep_ids, registry), "competitions": _competitions(day, registry, time_zone)},
        "logs": {"filed": len(filed & set(rep_ids)), "expected": len(rep_ids)},
        "trend": {
            "days": [d.isoformat() for d in trend_period.each_day()],
            **{code: [_text(trend[d][code]) for d in trend_period.each_day()] for code in TREND},
        },
    }
