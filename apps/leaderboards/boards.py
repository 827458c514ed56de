"""What a board is: a metric over a period, ranked among people (or teams), with its tie rule.

Two kinds exist: a competition's board, and the brand's standing boards (today, this week, this
month for each headline metric). Both are ranked the same way and kept live the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from apps.common.periods import Period, brand_today
from apps.common.request_memo import per_request
from apps.kpis.selectors.metrics import Buckets, Scope, metric_table, metrics_registry
from apps.leaderboards.models import Competition, LeaderboardSettings, TieRule
from apps.organisation.selectors import member_ids_of_teams
from apps.tenants.selectors import current_brand

User = get_user_model()
STANDING_PERIODS = ("day", "week", "month")
STANDING_LABELS = {"day": _("今日"), "week": _("本周"), "month": _("本月")}


@dataclass(frozen=True)
class Board:
    key: str  # "c:12" for a competition, "s:gmv:day:2026-11-25" for a standing board
    metric: str
    period: Period
    lower_is_better: bool
    tie_rule: str = TieRule.SHARED
    by_team: bool = False
    show_amounts: bool = True
    min_value: Decimal | None = None
    per_capita: bool = False
    competition_id: int | None = None

    @property
    def is_competition(self) -> bool:
        return self.competition_id is not None


def competition_board(competition: Competition) -> Board:
    return Board(
        key=f"c:{competition.pk}",
        metric=competition.metric,
        period=Period.custom(competition.starts_on, competition.ends_on),
        lower_is_better=competition.lower_is_better,
        tie_rule=competition.tie_rule,
        by_team=competition.by_team,
        show_amounts=competition.show_amounts,
        min_value=competition.min_value,
        per_capita=competition.per_capita,
        competition_id=competition.pk,
    )


@per_request
def leaderboard_settings() -> LeaderboardSettings:
    return LeaderboardSettings.objects.get(pk=1)  # made with the brand (a data migration in the template)


def standing_board(metric: str, kind: str, today: date, registry, settings: LeaderboardSettings) -> Board:
    period = Period.of(kind, today)
    return Board(
        key=f"s:{metric}:{kind}:{period.start.isoformat()}",
        metric=metric,
        period=period,
        lower_is_better=registry[metric].lower_is_better,
        show_amounts=settings.show_amounts,
    )


def standing_boards(today: date, registry, settings: LeaderboardSettings | None = None) -> list[Board]:
    settings = settings or leaderboard_settings()
    return [
        standing_board(metric, kind, today, registry, settings)
        for metric in settings.metrics
        if metric in registry
        for kind in STANDING_PERIODS
    ]


# --- who takes part -------------------------------------------------------------------------


def _people(roles) -> set[int]:
    return set(User.objects.filter(is_active=True, roles__overlap=list(roles)).values_list("pk", flat=True))


def competition_field(competition: Competition) -> dict[int, frozenset[int]] | frozenset[int]:
    """The people competing, or for team-vs-team each team's competing people."""
    people = _people(competition.participant_roles)
    if competition.scope == Competition.Scope.BRAND:
        return frozenset(people)
    team_ids = [team.pk for team in competition.teams.all()]
    if competition.by_team:
        return {team_id: frozenset(people & member_ids_of_teams([team_id])) for team_id in team_ids}
    return frozenset(people & member_ids_of_teams(team_ids))


def standing_field(settings: LeaderboardSettings) -> frozenset[int]:
    return frozenset(_people(settings.roles))


# --- a competition's life -------------------------------------------------------------------


class Status:
    UPCOMING = "upcoming"
    RUNNING = "running"
    SETTLING = "settling"  # ended, waiting for late data before the results freeze
    CLOSED = "closed"
    LABELS = {UPCOMING: _("未开始"), RUNNING: _("进行中"), SETTLING: _("结算中"), CLOSED: _("已结束")}


def starts_at(competition: Competition, time_zone: str) -> datetime:
    return datetime.combine(competition.starts_on, time.min, ZoneInfo(time_zone))


def ends_at(competition: Competition, time_zone: str) -> datetime:
    return datetime.combine(competition.ends_on + timedelta(days=1), time.min, ZoneInfo(time_zone))


def closes_at(competition: Competition, time_zone: str) -> datetime:
    return ends_at(competition, time_zone) + timedelta(minutes=competition.settle_minutes)


def competition_status(competition: Competition, now: datetime, time_zone: str) -> str:
    if competition.frozen_at is not None:
        return Status.CLOSED
    if now < starts_at(competition, time_zone):
        return Status.UPCOMING
    if now < ends_at(competition, time_zone):
        return Status.RUNNING
    return Status.SETTLING


PLACES = Decimal("0.0001")  # what Entry keeps: values compare equal once stored


@dataclass
class BoardContext:
    """What reading or refreshing boards needs to know of the brand, loaded once."""

    time_zone: str = field(default_factory=lambda: current_brand().time_zone)

    @cached_property
    def today(self) -> date:
        return brand_today(self.time_zone)

    @cached_property
    def registry(self):
        return metrics_registry()

    @cached_property
    def settings(self):
        return leaderboard_settings()

    @cached_property
    def standing_field(self) -> frozenset[int]:
        return standing_field(self.settings)

    @cached_property
    def competitions(self) -> dict[int, Competition]:
        """Running and settling competitions: the ones whose boards are live."""
        live = Competition.objects.filter(frozen_at__isnull=True, starts_on__lte=self.today).prefetch_related("teams")
        return {c.pk: c for c in live if c.metric in self.registry}

    def boards(self) -> list[Board]:
        competitions = [competition_board(c) for c in self.competitions.values()]
        return standing_boards(self.today, self.registry, self.settings) + competitions

    def field(self, board: Board):
        if board.competition_id is None:
            return self.standing_field
        competition = self.competitions.get(board.competition_id)
        if competition is None:  # not live (a test, a reopened board): read it as it is
            competition = Competition.objects.prefetch_related("teams").get(pk=board.competition_id)
        return competition_field(competition)


def values_of(board: Board, field_, subjects: Iterable[int], registry) -> dict[int, Decimal | None]:
    """Each subject's value on the board (people, or teams of their competing people)."""
    subjects = list(subjects)
    if not subjects:
        return {}
    if board.by_team:
        buckets = {team: field_.get(team, frozenset()) for team in subjects}
        people = frozenset().union(*buckets.values())
        table = metric_table(
            [board.metric],
            Scope(member_ids=people),
            board.period,
            group=Buckets.of(buckets),
            keys=subjects,
            registry=registry,
        )
    else:
        table = metric_table(
            [board.metric],
            Scope(member_ids=frozenset(subjects)),
            board.period,
            group="member",
            keys=subjects,
            registry=registry,
        )
    values = {}
    for subject in subjects:
        value = table.get(subject, {}).get(board.metric)
        if value is not None and board.per_capita and board.by_team:
            size = len(field_.get(subject, ()))
            value = value / size if size else None
        values[subject] = value.quantize(PLACES) if value is not None else None
    return values
