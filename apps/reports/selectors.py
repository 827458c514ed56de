"""Reads: a stored report as one reader may see it (the brand for managers, their teams for team
leads, their own part for a rep), the list of reports, and daily logs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from apps.common.formatting import Label, achievement_text, format_value
from apps.common.periods import Period
from apps.common.querysets import narrowed
from apps.common.request_memo import per_request
from apps.compliance.models import Category, Violation
from apps.kpis.catalogue import Metric
from apps.kpis.selectors.boards import Chart
from apps.kpis.selectors.metrics import Scope, metric_table, metric_values, metrics_registry
from apps.kpis.selectors.targets import Subject, TargetBook, achievement, kpi_settings, tier_for
from apps.organisation.access import Visibility, visibility_of
from apps.organisation.models import Team
from apps.organisation.roles import Role
from apps.reports.models import DailyLog, DailyReport, LogComment, ReportSettings

User = get_user_model()


@per_request
def report_settings() -> ReportSettings:
    return ReportSettings.objects.get(pk=1)  # made with the brand (a data migration in the template)


def _number(text: str | None) -> Decimal | None:
    return Decimal(text) if text is not None else None


@dataclass
class FigureLine:
    metric: Metric
    day: Decimal | None
    target: Decimal | None
    rate: Decimal | None
    tier: str | None
    vs_prev: Decimal | None
    vs_week: Decimal | None
    mtd: Decimal | None
    month_target: Decimal | None
    mtd_rate: Decimal | None
    mtd_tier: str | None
    needed_per_day: Decimal | None

    def improved(self, change: Decimal | None) -> bool | None:
        if change is None or change == 0:
            return None
        return (change < 0) if self.metric.lower_is_better else (change > 0)

    @property
    def prev_improved(self):
        return self.improved(self.vs_prev)

    @property
    def week_improved(self):
        return self.improved(self.vs_week)


@dataclass
class Section:
    kind: str  # brand, team, rep
    id: int | None
    name: str
    figures: list[FigureLine]
    work: dict[str, Decimal | None]
    violations: dict[str, int]
    team_name: str = ""
    log_filed: bool | None = None
    missing_logs: list[str] = field(default_factory=list)

    def figure(self, code: str) -> FigureLine | None:
        return next((line for line in self.figures if line.metric.code == code), None)


@dataclass
class ViolationLine:
    id: int
    rep: str
    category: str
    severity: str
    status: str
    matched: str


@dataclass
class ReportView:
    report: DailyReport
    day: date
    brand: Section | None
    teams: list[Section]
    reps: list[Section]
    violations: list[ViolationLine]
    movers: list[dict]
    top: list[dict]
    competitions: list[dict]
    logs: dict
    chart: Chart | None

    @property
    def own(self) -> Section | None:
        """A rep's own part, when it is all they see."""
        return self.reps[0] if len(self.reps) == 1 and self.brand is None and not self.teams else None


def _section(kind: str, raw: dict, registry, names: dict[int, str], order: list[str], **extra) -> Section:
    lines = []
    for code in order:  # JSON objects come back in any order; the report keeps its own
        values = raw["figures"].get(code)
        if values is None or code not in registry:
            continue
        lines.append(
            FigureLine(
                metric=registry[code],
                day=_number(values["day"]),
                target=_number(values["target"]),
                rate=_number(values["rate"]),
                tier=values["tier"],
                vs_prev=_number(values["vs_prev"]),
                vs_week=_number(values["vs_week"]),
                mtd=_number(values["mtd"]),
                month_target=_number(values["month_target"]),
                mtd_rate=_number(values["mtd_rate"]),
                mtd_tier=values["mtd_tier"],
                needed_per_day=_number(values["needed_per_day"]),
            )
        )
    return Section(
        kind=kind,
        id=raw.get("id"),
        name=raw.get("name", ""),
        figures=lines,
        work={code: _number(value) for code, value in raw["work"].items()},
        violations=raw.get("violations", {"new": 0, "confirmed": 0}),
        missing_logs=[names.get(pk, "?") for pk in raw.get("missing_logs", [])],
        **extra,
    )


def report_view(report: DailyReport, viewer) -> ReportView:
    """The parts of the report the viewer may read (organisation.access: the same rule as KPI pages)."""
    data, registry = report.data, metrics_registry()
    order = data["figures"]
    visibility = visibility_of(viewer)
    names = {rep["id"]: rep["name"] for rep in data["reps"]}
    team_names = {team["id"]: team["name"] for team in data["teams"]}
    visible_reps = [rep for rep in data["reps"] if visibility.sees_member(rep["id"])]
    brand = None
    if visibility.brand_wide:
        brand = report_brand_section(report)
    teams = []
    for raw in data["teams"]:
        if visibility.sees_team(raw["id"]):
            missing = [pk for pk in raw["reps"] if pk in set(data["brand"]["missing_logs"])]
            teams.append(_section("team", {**raw, "missing_logs": missing}, registry, names, order))
    reps = [
        _section(
            "rep",
            raw,
            registry,
            names,
            order,
            team_name=team_names.get(raw["team"], ""),
            log_filed=raw["log_filed"],
        )
        for raw in visible_reps
    ]
    seen_ids = {rep["id"] for rep in visible_reps}
    violations = [
        ViolationLine(
            v["id"],
            names.get(v["rep"], "?"),
            str(dict(Category.choices).get(v["category"], v["category"])),
            v["severity"],
            str(dict(Violation.Status.choices).get(v["status"], v["status"])),
            v["matched"],
        )
        for v in data["violations"]
        if v["rep"] in seen_ids
    ]
    board = data["leaderboard"]
    # Leaderboards are public: who moved up is news for everyone.
    named = [{**item, "name": names.get(item["id"], "?")} for item in board["up"]]
    return ReportView(
        report=report,
        day=date.fromisoformat(data["day"]),
        brand=brand,
        teams=teams,
        reps=reps,
        violations=violations,
        movers=named,
        top=[{**item, "name": names.get(item["id"], "?")} for item in board["top"]],
        competitions=board["competitions"],
        logs=data["logs"],
        chart=_trend_chart(data, registry) if brand is not None else None,
    )


HEADLINE_FIGURES = ("gmv", "orders", "fans_added")


def report_headlines(section: Section, currency: str) -> list[tuple[Label, str]]:
    """What a one-screen summary of a part leads with (a robot post, an app message): each
    headline figure's name and its day's value, with the target's achievement when there is one."""
    lines: list[tuple[Label, str]] = []
    for code in HEADLINE_FIGURES:
        line = section.figure(code)
        if line is None:
            continue
        value = format_value(line.day or Decimal(0), line.metric.unit, currency)
        if line.rate is not None:
            value += "（%s）" % (_("目标达成 %(rate)s") % {"rate": achievement_text(line.rate)})
        lines.append((line.metric.name, value))
    return lines


def report_brand_section(report: DailyReport) -> Section:
    """The whole brand's part, whoever asks (the brand's robot posts to a group, not a person)."""
    data = report.data
    names = {rep["id"]: rep["name"] for rep in data["reps"]}
    return _section("brand", {**data["brand"], "name": ""}, metrics_registry(), names, data["figures"])


def report_managers() -> QuerySet:
    """Who reads a day's report beyond the reps: the brand's admins and ops managers, and every
    team's lead (each their own part of it)."""
    leads = Team.objects.filter(leader__isnull=False).values("leader_id")
    return User.objects.filter(
        Q(roles__overlap=[Role.BRAND_ADMIN, Role.OPS_MANAGER]) | Q(pk__in=leads), is_active=True
    ).order_by("pk")


def _trend_chart(data: dict, registry) -> Chart:
    trend = data["trend"]
    series = [
        {
            "name": str(registry[code].name),
            "unit": registry[code].unit,
            "data": [float(v) if v is not None else None for v in trend[code]],
        }
        for code in trend
        if code != "days" and code in registry
    ]
    return Chart("report-trend", _("近 14 天"), [d[5:] for d in trend["days"]], series)


def reports_list(limit: int = 31) -> QuerySet:
    return DailyReport.objects.order_by("-day").only("day", "generated_at", "generations", "stale")[:limit]


# --- daily logs -------------------------------------------------------------------------------


def logs_of(person, limit: int = 14) -> QuerySet:
    return (
        DailyLog.objects.filter(person=person)
        .prefetch_related("customers", Prefetch("comments", queryset=LogComment.objects.select_related("author")))
        .order_by("-day")[:limit]
    )


def logs_for(viewer, day: date, team_ids: set[int] | None = None) -> QuerySet:
    """The day's logs of the people the viewer may see (optionally one team's)."""
    visibility = visibility_of(viewer)
    logs = DailyLog.objects.filter(day=day).select_related("person__membership__team")
    if visibility.member_ids is not None:
        logs = logs.filter(person_id__in=visibility.member_ids)
    if team_ids is not None:
        logs = logs.filter(person__membership__team_id__in=team_ids)
    return logs.prefetch_related(
        "customers", Prefetch("comments", queryset=LogComment.objects.select_related("author"))
    ).order_by("person__name_sort")


def can_comment(viewer, log: DailyLog) -> bool:
    """Managers comment on the logs of the people they see; nobody on their own."""
    return log.person_id != viewer.pk and visibility_of(viewer).sees_member(log.person_id)


def _visible_reps(viewer, team_ids: set[int] | None) -> QuerySet:
    reps = User.objects.filter(is_active=True, roles__contains=[Role.SALES_REP])
    visibility = visibility_of(viewer)
    if visibility.member_ids is not None:
        reps = reps.filter(pk__in=visibility.member_ids)
    if team_ids is not None:
        reps = reps.filter(membership__team_id__in=team_ids)
    return reps.order_by("name_sort", "pk")


def reps_without_log(day: date, *, joined_before) -> QuerySet:
    """Every active rep who has not filed the day's log (those who joined after it not counted)."""
    reps = User.objects.filter(is_active=True, roles__contains=[Role.SALES_REP], date_joined__lt=joined_before)
    return reps.exclude(daily_logs__day=day).order_by("pk")


def missing_logs(viewer, day: date, team_ids: set[int] | None = None) -> list:
    """The reps the viewer sees who have not filed the day's log."""
    return list(_visible_reps(viewer, team_ids).exclude(daily_logs__day=day).select_related("membership__team"))


MEETING_FIGURES = ["gmv", "orders", "fans_added", "interactions", "follow_ups", "tasks_done"]


@dataclass
class MeetingRow:
    name: Label
    cells: list[tuple[Metric, Decimal | None]]
    gmv_rate: Decimal | None = None
    tier: str | None = None


def meeting_figures(viewer, day: date, team_ids: set[int] | None = None) -> dict:
    """The day's figures for each rep the viewer sees (and their total), live from the rollups,
    so that an evening meeting sees today's so far."""
    registry = metrics_registry()
    reps = list(_visible_reps(viewer, team_ids).values_list("pk", "full_name"))
    ids = [pk for pk, _name in reps]
    period = Period.of("day", day)
    table = metric_table(MEETING_FIGURES, Scope.brand(), period, group="member", keys=ids, registry=registry)
    total = metric_values(MEETING_FIGURES, Scope(member_ids=frozenset(ids)), period, registry=registry)
    book, settings = TargetBook(period, ["gmv"]), kpi_settings()
    gmv, metrics = registry["gmv"], [registry[code] for code in MEETING_FIGURES]
    rows = []
    for pk, name in reps:
        values = table.get(pk, {})
        target = book.target(gmv, Subject("person", pk)).value
        rate = achievement(gmv, values.get("gmv"), target)
        cells = [(metric, values.get(metric.code)) for metric in metrics]
        rows.append(MeetingRow(name, cells, rate, tier_for(rate, settings)))
    rows.sort(key=lambda row: -(row.cells[0][1] or 0))
    return {
        "metrics": metrics,
        "rows": rows,
        "total": MeetingRow(_("合计"), [(metric, total.get(metric.code)) for metric in metrics]),
    }


def daily_logs_list(visibility: Visibility, *, day: date | None = None, person: int | None = None) -> QuerySet:
    """The logs of the people the viewer sees, newest day first."""
    logs = DailyLog.objects.select_related("person").prefetch_related("customers", "comments__author")
    if visibility.member_ids is not None:
        logs = logs.filter(person_id__in=visibility.member_ids)
    return narrowed(logs, day=day, person_id=person).order_by("-day", "person_id")
