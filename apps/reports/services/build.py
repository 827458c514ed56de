"""What a daily report says about one brand-local day, computed once and stored as plain JSON.

Every query is bounded by the day, the week before it or its month (rollups per person and
day), never by the brand's history, so a report costs the same in a brand's first month and
its fifth year. Figures come from the same metric engine and target book as every KPI page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model

from apps.common.formatting import change_of, decimal_text
from apps.common.periods import Period
from apps.compliance.selectors import violations_of_day
from apps.kpis.extensions import reported_metrics
from apps.kpis.selectors.metrics import Buckets, Scope, metric_table, metric_values, metrics_registry
from apps.kpis.selectors.targets import Subject, TargetBook, achievement, kpi_settings, tier_for
from apps.leaderboards.selectors import competition_tops, gmv_movers
from apps.organisation.models import Membership
from apps.organisation.roles import Role
from apps.organisation.selectors import team_members_map, teams_tree
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
    """Kept to 6 places, not to what is shown: rounding twice (to cents here, then to one decimal
    of a percent, or truncated for an achievement) could read 99.996% as 100.0%."""
    return decimal_text(value, places=6)


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
        followed = FIGURES + [code for code in reported_metrics() if code in registry]
        codes = followed + WORK
        self.people = {
            name: metric_table(codes, Scope.brand(), p, group="member", keys=rep_ids, registry=registry)
            for name, p in periods.items()
        }
        # A person counts in a store and in its region: buckets overlap across levels, so each
        # level (teams of one depth never share people) is grouped on its own.
        self.teams: dict[str, dict] = {name: {} for name in periods}
        for level in levels:
            buckets = Buckets.of({pk: teams[pk] for pk in level})
            for name, p in periods.items():
                self.teams[name].update(
                    metric_table(codes, Scope.brand(), p, group=buckets, keys=level, registry=registry)
                )
        self.brand = {name: metric_values(codes, Scope.brand(), p, registry=registry) for name, p in periods.items()}
        # Another app's figures only for the brands that have them (a brand without WeCom, say).
        self.figures = FIGURES + [code for code in followed[len(FIGURES) :] if self.brand["mtd"].get(code)]
        self.day_targets = TargetBook(self.day, self.figures)
        self.month_targets = TargetBook(self.month, self.figures)
        self.settings = kpi_settings()
        self.elapsed = (day - self.month.start).days + 1
        self.remaining = (self.month.end - day).days

    def section(self, tables: dict, key, subject: Subject, member_ids=None) -> dict:
        values = {name: (table.get(key, {}) if key is not None else table) for name, table in tables.items()}
        figures = {}
        for code in self.figures:
            metric = self.registry[code]
            day_value, mtd = values["day"].get(code), values["mtd"].get(code)
            day_target = self.day_targets.target(metric, subject, member_ids).value
            month_target = self.month_targets.target(metric, subject, member_ids).value
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
                "vs_prev": _text(change_of(day_value, values["prev"].get(code), metric.unit)),
                "week": _text(values["week"].get(code)),
                "vs_week": _text(change_of(day_value, values["week"].get(code), metric.unit)),
                "mtd": _text(mtd),
                "month_target": _text(month_target),
                "mtd_rate": _text(mtd_rate),
                "mtd_tier": tier_for(mtd_rate, self.settings),
                "needed_per_day": _text(needed),
            }
        work = {code: _text(values["day"].get(code)) for code in WORK}
        return {"figures": figures, "work": work}


def _levels(teams: Sequence[Mapping]) -> list[list[int]]:
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
    team_of = dict(
        Membership.objects.filter(person_id__in=[rep["pk"] for rep in reps]).values_list("person_id", "team_id")
    )
    # Sections read as the team tree: each region, then its stores; reps by their store in that order.
    teams: list[dict[str, Any]] = [
        {"pk": team.pk, "name": team.name, "parent_id": team.parent_id, "kind": team.kind, "leader_id": team.leader_id}
        for team, _depth in teams_tree()
    ]
    place = {team["pk"]: n for n, team in enumerate(teams)}
    reps.sort(key=lambda rep: place.get(team_of.get(rep["pk"]), len(place)))  # stable: by name within a store
    rep_ids = [rep["pk"] for rep in reps]
    members = team_members_map()
    figures = _Figures(day, rep_ids, members, _levels(teams), registry)
    violations, listed = violations_of_day(day, time_zone, listed=LISTED_VIOLATIONS)
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
        "figures": figures.figures,
        "brand": brand,
        "teams": team_sections,
        "reps": rep_sections,
        "violations": listed,
        "leaderboard": {
            **gmv_movers(day, rep_ids, registry, movers=MOVERS),
            "competitions": [
                {**top, "top": [{**row, "value": _text(row["value"])} for row in top["top"]]}
                for top in competition_tops(day, registry, time_zone)
            ],
        },
        "logs": {"filed": len(filed & set(rep_ids)), "expected": len(rep_ids)},
        "trend": {
            "days": [d.isoformat() for d in trend_period.each_day()],
            **{code: [_text(trend[d][code]) for d in trend_period.each_day()] for code in TREND},
        },
    }
