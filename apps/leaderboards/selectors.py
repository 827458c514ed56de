"""Reads: a board as a viewer sees it (top N, their own place, the gaps to the next rank, the
prize line, the qualifying line and the next tier), competitions, history and medals.

A live board is read from Redis (one round trip) and rebuilt from PostgreSQL if Redis lost it;
should Redis be down, the same page is computed from PostgreSQL. A closed competition is read
from its frozen standings.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import redis
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.common.formatting import DASH
from apps.common.periods import Period
from apps.kpis.catalogue import Metric
from apps.kpis.selectors.metrics import Scope, metric_table, metrics_registry
from apps.leaderboards import store
from apps.leaderboards.boards import (
    Board,
    BoardContext,
    Status,
    competition_board,
    competition_status,
    leaderboard_settings,
    standing_board,
    values_of,
)
from apps.leaderboards.models import Competition, CompetitionChange, Entry, Prize, Standing, TieRule
from apps.leaderboards.prizes import TierJudge, has_tier_prizes, prize_line, prizes_won
from apps.leaderboards.ranking import Ranked, member, qualifies, rank_all, score, subject_of, value_of
from apps.organisation.models import Membership, Team
from apps.organisation.roles import Capability, Role, can

User = get_user_model()
_NEXT_TIER: dict[str | None, str] = {None: Prize.Tier.ACHIEVED, Prize.Tier.ACHIEVED: Prize.Tier.EXCEEDED}
log = logging.getLogger(__name__)
TOP = 50


@dataclass
class Row:
    subject_id: int
    name: str
    team_name: str
    value: Decimal
    position: int
    rank: int | None  # None: below the qualifying line
    prizes: list[str] = field(default_factory=list)
    tier: str | None = None
    is_viewer: bool = False


@dataclass
class Mine:
    """The viewer's place and what stands between them and the next step up."""

    subject_id: int
    name: str
    value: Decimal | None
    rank: int | None = None
    on_board: bool = False
    qualified: bool = True
    next_rank: int | None = None
    gap_next: Decimal | None = None
    in_prizes: bool = False
    gap_prize: Decimal | None = None
    gap_qualify: Decimal | None = None
    tier: str | None = None
    next_tier: str | None = None
    gap_tier: Decimal | None = None
    prizes: list[str] = field(default_factory=list)


@dataclass
class BoardPage:
    board: Board
    metric: Metric
    status: str
    rows: list[Row]
    mine: Mine | None
    field_size: int
    on_board: int
    qualified: int
    prize_rank: int | None
    version: int
    show_amounts: bool  # for this viewer
    prizes: list[Prize] = field(default_factory=list)
    built: bool = True  # False: Redis lacked this live board; it was computed from PostgreSQL

    @property
    def frozen(self) -> bool:
        return self.status == Status.CLOSED

    @property
    def live(self) -> bool:
        return self.status in (Status.RUNNING, Status.SETTLING)


# --- snapshots: the same shape from Redis, from a list, from frozen standings ------------------


def _numeric_ranks(scores: list[float], tie_rule: str) -> list[int]:
    ranks, previous = [], None
    for position, score_ in enumerate(scores, start=1):
        ranks.append(position if tie_rule == TieRule.EARLIER_FIRST or score_ != previous else ranks[-1])
        previous = score_
    return ranks


def snapshot_of(
    ranked: list[Ranked], board: Board, *, top: int, subject: int | None, prize_position: int, version: int
) -> store.Snapshot:
    """What store.read answers, computed from an ordered list (frozen standings, or PostgreSQL
    when Redis is away)."""
    scores = [score(r.value, board.lower_is_better) for r in ranked]
    ranks = _numeric_ranks(scores, board.tie_rule)
    members = [member(r.subject_id, r.achieved_at, board.tie_rule) for r in ranked]
    mine = None
    index = next((i for i, r in enumerate(ranked) if r.subject_id == subject), None)
    if index is not None:
        above = None
        if board.tie_rule == TieRule.EARLIER_FIRST and index > 0:
            above = (scores[index - 1], ranks[index - 1])
        elif board.tie_rule != TieRule.EARLIER_FIRST:
            better = [i for i in range(index) if scores[i] > scores[index]]
            if better:
                above = (scores[better[-1]], ranks[better[-1]])
        mine = store.Mine(scores[index], ranks[index], index + 1, above)
    qualified = sum(1 for r in ranked if qualifies(r.value, board))
    return store.Snapshot(
        version=version,
        field_size=0,
        on_board=len(ranked),
        top=list(zip(members[:top], scores[:top], strict=True)),
        qualified=qualified,
        prize_line=scores[prize_position - 1] if 0 < prize_position <= len(scores) else None,
        mine=mine,
        last=scores[-1] if scores else None,
    )


def _live_snapshot(board: Board, *, top: int, subject, prize_position: int) -> tuple[store.Snapshot, int | None, bool]:
    """(snapshot, field size, whether Redis had it) of a live board; field size None means the
    snapshot knows it. What Redis lacks is computed from PostgreSQL here, never built here: a
    read changes nothing (the caller asks a worker to build it, see BoardPage.built)."""
    qualifying = score(board.min_value, board.lower_is_better) if board.min_value is not None else None
    args = {"top": top, "subject": subject, "prize_position": prize_position, "qualifying_score": qualifying}
    try:
        snapshot = store.read(board, **args)
        if snapshot is not None:
            return snapshot, None, True
    except redis.RedisError:
        log.warning("leaderboards: Redis unavailable, board %s computed from PostgreSQL", board.key, exc_info=True)
    context = BoardContext()
    field_ = context.field(board)
    values = values_of(board, field_, field_, context.registry)
    now = timezone.now()
    reached = _reached(board, values, now)
    ranked = rank_all(((s, v, reached.get(s, now)) for s, v in values.items()), board)
    version = int(now.timestamp() * 1000)
    snapshot = snapshot_of(ranked, board, top=top, subject=subject, prize_position=prize_position, version=version)
    return snapshot, len(field_), False


def _reached(board: Board, values: dict, now) -> dict:
    """When each value was reached, as the stored entries say (a competition's ties follow it);
    a value the entries have not seen yet was reached now, as the next refresh will record."""
    if board.competition_id is None:
        return {}
    stored = Entry.objects.filter(competition_id=board.competition_id).values_list("subject_id", "value", "achieved_at")
    return {subject: at for subject, value, at in stored if values.get(subject) == value}


def _frozen_snapshot(competition: Competition, board: Board, *, top: int, subject, prize_position: int):
    standings = list(competition.standings.all())
    ranked = [
        Ranked((s.team_id if competition.by_team else s.person_id) or 0, s.value, s.position, s.rank) for s in standings
    ]
    version = int(competition.frozen_at.timestamp() * 1000) if competition.frozen_at else 0
    snapshot = snapshot_of(ranked, board, top=top, subject=subject, prize_position=prize_position, version=version)
    return snapshot, standings


# --- the page ---------------------------------------------------------------------------------


def participant_subject(board: Board, competition: Competition | None, person) -> int | None:
    """Who the viewer competes as on this board: themselves, their team, or nobody."""
    if person is None or not person.is_active:
        return None
    roles = competition.participant_roles if competition else leaderboard_settings().roles
    if not set(roles) & set(person.roles):
        return None
    if competition is None or competition.scope == Competition.Scope.BRAND:
        return person.pk
    membership = Membership.objects.filter(person=person).values_list("team_id", "team__parent_id").first()
    if membership is None:
        return None
    own_and_above = set(membership) - {None}  # teams nest two levels at most: a store, its region
    for team in competition.teams.all():
        if team.pk in own_and_above:
            return team.pk if competition.by_team else person.pk
    return None


def _names(board: Board, subjects: set[int]) -> dict[int, tuple[str, str]]:
    if board.by_team:
        return {pk: (name, "") for pk, name in Team.objects.filter(pk__in=subjects).values_list("pk", "name")}
    teams = dict(Membership.objects.filter(person_id__in=subjects).values_list("person_id", "team__name"))
    return {
        pk: (name, teams.get(pk, ""))
        for pk, name in User.objects.filter(pk__in=subjects).values_list("pk", "full_name")
    }


def _gap(a: float | None, b: Decimal | None, lower_is_better: bool) -> Decimal | None:
    if a is None or b is None:
        return None
    return abs(value_of(a, lower_is_better) - b)


def board_page(
    board: Board,
    *,
    viewer,
    metric: Metric,
    competition: Competition | None = None,
    top: int = TOP,
    now=None,
    time_zone: str = "Asia/Shanghai",
    for_wall: bool = False,
) -> BoardPage:
    """The board as `viewer` sees it; `for_wall`: as a wall display shows it to a room (nobody's
    own place, amounts only if the board shows them)."""
    now = now or timezone.now()
    status = competition_status(competition, now, time_zone) if competition else Status.RUNNING
    prizes = list(competition.prizes.all()) if competition else []
    prize_rank = prize_line(prizes)
    subject = None if for_wall else participant_subject(board, competition, viewer)
    show_amounts = board.show_amounts or (not for_wall and can(viewer, Capability.KPI_VIEW_BRAND))
    if status == Status.UPCOMING:
        field_size = len(BoardContext().field(board))
        return BoardPage(board, metric, status, [], None, field_size, 0, 0, prize_rank, 0, show_amounts, prizes)
    position = prize_rank or 0
    frozen: dict[int, Standing] = {}
    built = True
    if status == Status.CLOSED and competition is not None:
        snapshot, standings = _frozen_snapshot(competition, board, top=top, subject=subject, prize_position=position)
        frozen = {(s.team_id if competition.by_team else s.person_id) or 0: s for s in standings}
        field_size = len(standings)
    else:
        snapshot, live_size, built = _live_snapshot(board, top=top, subject=subject, prize_position=position)
        field_size = snapshot.field_size if live_size is None else live_size
    shown = [(subject_of(m), s) for m, s in snapshot.top]
    names = _names(board, {s for s, _score in shown} | ({subject} if subject else set()))
    judge = (
        TierJudge(board, metrics_registry(), BoardContext().field(board) if board.by_team else None)
        if (has_tier_prizes(prizes) and not frozen)
        else None
    )
    ranks = _numeric_ranks([s for _subject, s in shown], board.tie_rule)
    rows = []
    for (subject_id, score_), numeric_rank, position in zip(shown, ranks, range(1, len(shown) + 1), strict=True):
        value = value_of(score_, board.lower_is_better)
        rank = numeric_rank if qualifies(value, board) else None
        stored = frozen.get(subject_id)
        tier = (stored.tier or None) if stored else (judge.tier(subject_id, value) if judge else None)
        name, team_name = (stored.name, stored.team_name) if stored else names.get(subject_id, ("?", ""))
        rows.append(
            Row(
                subject_id,
                name,
                team_name,
                value,
                position,
                rank,
                list(stored.prizes) if stored else prizes_won(prizes, rank, tier),
                tier,
                subject_id == subject,
            )
        )
    mine = _mine(board, metric, snapshot, subject, names, prizes, prize_rank, judge, frozen) if subject else None
    return BoardPage(
        board,
        metric,
        status,
        rows,
        mine,
        field_size,
        snapshot.on_board,
        snapshot.qualified,
        prize_rank,
        snapshot.version,
        show_amounts,
        prizes,
        built,
    )


def _mine(board, metric, snapshot: store.Snapshot, subject: int, names, prizes, prize_rank, judge, frozen) -> Mine:
    lower = board.lower_is_better
    name = names.get(subject, ("?", ""))[0]
    stored = frozen.get(subject)
    if snapshot.mine is None:  # no result yet: everything on the board is ahead
        value = None if metric.is_derived else Decimal(0)
        mine = Mine(subject, name, value)
        mine.gap_next = _gap(snapshot.last, value, lower)
        mine.next_rank = snapshot.on_board or None
        mine.gap_prize = _gap(snapshot.prize_line, value, lower) if prize_rank else None
        mine.in_prizes = False
    else:
        value = value_of(snapshot.mine.score, lower)
        qualified = qualifies(value, board)
        mine = Mine(subject, name, value, snapshot.mine.rank if qualified else None, True, qualified)
        if snapshot.mine.above:
            mine.gap_next = _gap(snapshot.mine.above[0], value, lower)
            mine.next_rank = snapshot.mine.above[1]
        if prize_rank:
            mine.in_prizes = qualified and snapshot.mine.rank <= prize_rank
            if not mine.in_prizes and snapshot.prize_line is not None:
                mine.gap_prize = _gap(snapshot.prize_line, value, lower)
    if board.min_value is not None and (value is None or not qualifies(value, board)):
        mine.qualified = False
        mine.gap_qualify = abs(board.min_value - (value or Decimal(0)))
    if stored is not None:
        mine.tier, mine.prizes = stored.tier or None, list(stored.prizes)
    else:
        if judge is not None:
            mine.tier = judge.tier(subject, value)
            mine.next_tier = _NEXT_TIER.get(mine.tier)
            line = judge.line(subject, mine.next_tier) if mine.next_tier else None
            if line is not None and value is not None:
                mine.gap_tier = max(Decimal(0), (value - line) if lower else (line - value)).quantize(Decimal("0.01"))
        mine.prizes = prizes_won(prizes, mine.rank, mine.tier) if mine.qualified else []
    return mine


# --- lists ------------------------------------------------------------------------------------


@dataclass
class CompetitionCard:
    competition: Competition
    status: str
    winners: list[Standing] = field(default_factory=list)

    @property
    def status_label(self):
        return Status.LABELS[self.status]


def competitions_current(today: date, time_zone: str) -> list[CompetitionCard]:
    """Upcoming, running and settling competitions, the soonest to end first."""
    now = timezone.now()
    competitions = Competition.objects.filter(frozen_at__isnull=True).prefetch_related("prizes", "teams")
    cards = [CompetitionCard(c, competition_status(c, now, time_zone)) for c in competitions]
    order = {Status.RUNNING: 0, Status.SETTLING: 1, Status.UPCOMING: 2}
    return sorted(cards, key=lambda card: (order[card.status], card.competition.ends_on, card.competition.pk))


@dataclass
class MyCompetition:
    competition: Competition
    status: str
    page: BoardPage | None  # None before the start

    @property
    def status_label(self):
        return Status.LABELS[self.status]


def competitions_of(person, today: date, time_zone: str) -> list[MyCompetition]:
    """The competitions a person takes part in that are on now or coming, with their place."""
    registry = metrics_registry()
    mine = []
    for card in competitions_current(today, time_zone):
        competition = card.competition
        if competition.metric not in registry:
            continue
        board = competition_board(competition)
        if participant_subject(board, competition, person) is None:
            continue
        page = None
        if card.status != Status.UPCOMING:
            page = board_page(
                board,
                viewer=person,
                metric=registry[competition.metric],
                competition=competition,
                top=0,
                time_zone=time_zone,
            )
        mine.append(MyCompetition(competition, card.status, page))
    return mine


def competitions_history() -> QuerySet:
    """Closed competitions, latest first, each with its prize winners (or its top three)."""
    winners = Standing.objects.filter(Q(rank__lte=3) | ~Q(prizes=[])).order_by("position")
    return (
        Competition.objects.filter(frozen_at__isnull=False)
        .order_by("-ends_on", "-pk")
        .prefetch_related(Prefetch("standings", queryset=winners, to_attr="winners"))
    )


def running_boards_for_tv(today: date) -> list[Competition]:
    """What the wall display rotates through: running and settling competitions."""
    return list(Competition.objects.filter(frozen_at__isnull=True, starts_on__lte=today).order_by("ends_on", "pk"))


def medals_of(person) -> list[Standing]:
    """A person's podium finishes and prizes, in person or with their team."""
    return list(
        Standing.objects.filter(Q(person=person) | Q(members__contains=[person.pk]))
        .filter(Q(rank__lte=3) | ~Q(prizes=[]))
        .select_related("competition")
        .order_by("-competition__ends_on", "position")
    )


def standing_board_of(metric: str, kind: str, today: date) -> Board:
    return standing_board(metric, kind, today, metrics_registry(), leaderboard_settings())


def metric_in_competition(code: str) -> bool:
    return Competition.objects.filter(metric=code).exists()


def gmv_movers(day: date, rep_ids: list[int], registry, *, movers: int) -> dict:
    """Month-to-date GMV ranks among reps at the end of the day against the day before: the top
    three, and the `movers` who climbed most."""
    month_start = day.replace(day=1)
    board = Board(key="report", metric="gmv", period=Period.custom(month_start, day), lower_is_better=False)

    def ranks(period: Period) -> dict[int, int]:
        table = metric_table(["gmv"], Scope.brand(), period, group="member", keys=rep_ids, registry=registry)
        ranked = rank_all(((pk, table[pk]["gmv"], None) for pk in rep_ids), board)
        return {r.subject_id: r.rank for r in ranked if r.rank is not None}  # no qualifying line: all ranked

    ranks_now = ranks(board.period)
    ranks_before = ranks(Period.custom(month_start, day - timedelta(days=1))) if day > month_start else {}
    moves: list[dict[str, Any]] = [
        {"id": pk, "rank": rank, "before": ranks_before.get(pk), "up": ranks_before[pk] - rank}
        for pk, rank in ranks_now.items()
        if pk in ranks_before and ranks_before[pk] > rank
    ]
    moves.sort(key=lambda move: (-move["up"], move["rank"]))
    top = [
        {"id": pk, "rank": rank, "before": ranks_before.get(pk)}
        for pk, rank in sorted(ranks_now.items(), key=lambda r: r[1])
        if rank <= 3
    ]
    return {"top": top, "up": moves[:movers]}


def competition_tops(day: date, registry, time_zone: str, *, top: int = 3) -> list[dict]:
    """Each competition running on the day with its first `top`, as a room sees them."""
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
            top=top,
            time_zone=time_zone,
            for_wall=True,
        )
        rows = [{"rank": row.rank, "name": row.name, "value": row.value} for row in page.rows]
        result.append({"id": competition.pk, "name": competition.name, "metric": competition.metric, "top": rows})
    return result


# --- the change log ---------------------------------------------------------------------------


@dataclass
class ChangeLine:
    """One field of a change as a person reads it: its name and its values, never raw codes."""

    label: str
    before: str
    after: str | None  # None: a list of values (winners when the results froze), in `before`


_OTHER_LABELS = {"prizes": _("奖励"), "winners": _("获奖者")}


def change_lines(change: CompetitionChange, registry=None) -> list[ChangeLine]:
    registry = registry if registry is not None else metrics_registry()
    lines = []
    for name, values in change.diff.items():
        if change.action == CompetitionChange.Action.CLOSE or not (isinstance(values, list) and len(values) == 2):
            lines.append(ChangeLine(_label_of(name), _value_text(name, values, registry), None))
        else:
            before, after = values
            lines.append(
                ChangeLine(_label_of(name), _value_text(name, before, registry), _value_text(name, after, registry))
            )
    return lines


def _label_of(name: str) -> str:
    if name in _OTHER_LABELS:
        return str(_OTHER_LABELS[name])
    try:
        return str(getattr(Competition._meta.get_field(name), "verbose_name", name))
    except FieldDoesNotExist:
        return name


def _value_text(name: str, value, registry) -> str:
    if value is None or value in ("", []):
        return DASH
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if isinstance(value, list):
        return str(_("、")).join(_value_text(name, item, registry) for item in value)
    if name == "metric":
        return str(registry[value].name) if value in registry else str(value)
    if name == "participant_roles":
        return str(dict(Role.choices).get(value, value))
    try:
        field_ = Competition._meta.get_field(name)
    except FieldDoesNotExist:
        return str(value)
    choices = dict(getattr(field_, "choices", None) or ())
    return str(choices.get(value, value))
