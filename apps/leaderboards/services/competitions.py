"""Competitions: set up, change (freely before the start; after it only by an admin with a
reason, logged), close (standings frozen with winners and prizes) and reopen (admin, reason)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.common.periods import MAX_CUSTOM_DAYS, brand_today
from apps.kpis.selectors.metrics import metrics_registry
from apps.leaderboards import store
from apps.leaderboards.boards import Status, closes_at, competition_board, competition_field, competition_status
from apps.leaderboards.models import Competition, CompetitionChange, Entry, Prize, Standing
from apps.leaderboards.prizes import TierJudge, has_tier_prizes, prizes_won
from apps.leaderboards.ranking import rank_all
from apps.leaderboards.services.live import entries_sync, values_of
from apps.organisation.models import Membership, Team
from apps.organisation.roles import Capability, Role, can
from apps.organisation.selectors import team_subtree_ids
from apps.tenants.selectors import current_brand

User = get_user_model()
RULE_FIELDS = (
    "name",
    "description",
    "metric",
    "lower_is_better",
    "starts_on",
    "ends_on",
    "scope",
    "participant_roles",
    "min_value",
    "tie_rule",
    "per_capita",
    "show_amounts",
    "settle_minutes",
)
# Changing these changes what the board measures: the live entries start over.
MEASURE_FIELDS = {"metric", "lower_is_better", "starts_on", "ends_on", "scope", "participant_roles", "per_capita"}


@dataclass(frozen=True)
class PrizeSpec:
    label: str
    rank_from: int | None = None
    rank_to: int | None = None
    tier: str = ""

    @classmethod
    def of(cls, prize: Prize) -> PrizeSpec:
        return cls(prize.label, prize.rank_from, prize.rank_to, prize.tier)

    def describe(self) -> str:
        if self.tier:
            return f"{Prize.Tier(self.tier).label}: {self.label}"
        ranks = str(self.rank_from) if self.rank_from == self.rank_to else f"{self.rank_from}-{self.rank_to}"
        return f"{ranks}: {self.label}"


def _validate(data: dict, teams: list[Team], prizes: list[PrizeSpec]) -> None:
    errors: dict[str, list[str]] = {}
    registry = metrics_registry()
    if data["metric"] not in registry:
        errors["metric"] = [_("未知的指标：%(code)s") % {"code": data["metric"]}]
    if data["ends_on"] < data["starts_on"]:
        errors["ends_on"] = [_("结束日期不能早于开始日期。")]
    elif (data["ends_on"] - data["starts_on"]).days >= MAX_CUSTOM_DAYS:
        errors["ends_on"] = [_("比赛最长 %(days)d 天。") % {"days": MAX_CUSTOM_DAYS}]
    roles = data["participant_roles"]
    if not roles or any(role not in Role.values for role in roles):
        errors["participant_roles"] = [_("请选择参赛角色。")]
    scope = data["scope"]
    if scope == Competition.Scope.TEAMS and not teams:
        errors["teams"] = [_("指定团队个人赛请选择至少一个团队。")]
    if scope == Competition.Scope.TEAM_VS_TEAM and len(teams) < 2:
        errors["teams"] = [_("团队对抗赛至少需要两个团队。")]
    if scope == Competition.Scope.TEAM_VS_TEAM and any(
        other.pk in team_subtree_ids([team.pk]) for team in teams for other in teams if other != team
    ):
        errors["teams"] = [_("对抗的团队不能互相包含（例如大区和它下面的门店）。")]
    if data.get("per_capita") and scope != Competition.Scope.TEAM_VS_TEAM:
        errors["per_capita"] = [_("只有团队对抗赛可以按人均比较。")]
    prize_errors = _prize_errors(prizes)
    if prize_errors:
        errors["prizes"] = prize_errors
    if errors:
        raise ValidationError(errors)


def _prize_errors(prizes: list[PrizeSpec]) -> list[str]:
    errors: list[str] = []
    taken: set[int | str] = set()
    for prize in prizes:
        if not prize.label.strip():
            errors.append(_("每个奖励都要写明奖品。"))
        if prize.tier:
            if prize.tier not in Prize.Tier.values:
                errors.append(_("未知的达成档位：%(tier)s") % {"tier": prize.tier})
            elif prize.tier in taken:
                errors.append(_("“%(tier)s”的奖励重复了。") % {"tier": Prize.Tier(prize.tier).label})
            taken.add(prize.tier)
            continue
        if prize.rank_from is None or prize.rank_to is None or not 1 <= prize.rank_from <= prize.rank_to:
            errors.append(_("名次奖励要写明从第几名到第几名（例如 2-3）。"))
            continue
        for rank in range(prize.rank_from, min(prize.rank_to, 1000) + 1):
            if rank in taken:
                errors.append(_("第 %(rank)d 名有两个奖励，名次范围不能重叠。") % {"rank": rank})
                break
            taken.add(rank)
    return errors


def _rules_of(competition: Competition) -> dict:
    """A competition's rules as plain values, to compare and to log."""
    rules = {name: getattr(competition, name) for name in RULE_FIELDS}
    rules["teams"] = sorted(team.name for team in competition.teams.all()) if competition.pk else []
    rules["prizes"] = (
        [PrizeSpec(p.label, p.rank_from, p.rank_to, p.tier).describe() for p in competition.prizes.all()]
        if competition.pk
        else []
    )
    return rules


def _person(actor):
    """Who to record: a person; an integration's API key (which may act by its roles) is no one."""
    return actor if isinstance(actor, User) else None


def _loggable(value):
    if isinstance(value, (date, Decimal)):
        return str(value)
    return value


def competition_save(
    *,
    actor,
    data: dict,
    teams: list[Team],
    prizes: list[PrizeSpec],
    competition: Competition | None = None,
    reason: str = "",
) -> Competition:
    """Create or change a competition. Before its start any organiser may; once started (or
    when set up in the past) only an admin, with a reason, and the change is logged. `actor`: a
    person, or an API key acting by its roles."""
    data = {**data}
    data.setdefault("lower_is_better", _default_direction(data.get("metric")))
    _validate(data, teams, prizes)
    brand = current_brand()
    today = brand_today(brand.time_zone)
    reason = reason.strip()
    creating = competition is None
    if competition is not None and competition.frozen_at is not None:
        raise ValidationError(_("比赛成绩已冻结，如需更改请先重新开放。"))
    started = (
        data["starts_on"] < today
        if competition is None
        else competition_status(competition, timezone.now(), brand.time_zone) != Status.UPCOMING
    )
    if started:
        if not can(actor, Capability.COMPETITIONS_OVERRIDE):
            raise PermissionDenied(
                _("比赛已开始，规则只能由品牌管理员修改。")
                if not creating
                else _("开始日期不能早于今天：规则要在开赛前公布。")
            )
        if not reason:
            asked = (
                _("开始日期早于今天：请写明补录的原因（会记入变更记录）。")
                if creating
                else _("比赛开始后修改规则，请写明原因（会记入变更记录）。")
            )
            raise ValidationError({"reason": [asked]})
    with transaction.atomic():
        if competition is None:
            competition = Competition(created_by=_person(actor))
            before = {}
        else:
            competition = Competition.objects.select_for_update().get(pk=competition.pk)
            before = _rules_of(competition)
        for name in RULE_FIELDS:
            if name in data:
                setattr(competition, name, data[name])
        competition.full_clean(exclude=["created_by", "frozen_at"])
        competition.save()
        competition.teams.set(teams)
        competition.prizes.all().delete()
        Prize.objects.bulk_create(
            Prize(competition=competition, label=p.label.strip(), rank_from=p.rank_from, rank_to=p.rank_to, tier=p.tier)
            for p in prizes
        )
        after = _rules_of(competition)
        diff = {
            name: [_loggable(before.get(name)), _loggable(value)]
            for name, value in after.items()
            if before.get(name) != value
        }
        if creating or diff:
            CompetitionChange.objects.create(
                competition=competition,
                actor=_person(actor),
                action=CompetitionChange.Action.CREATE if creating else CompetitionChange.Action.UPDATE,
                reason=reason,
                diff=diff,
            )
        if not creating and MEASURE_FIELDS & diff.keys():
            Entry.objects.filter(competition=competition).delete()
        board_key = f"c:{competition.pk}"
        transaction.on_commit(lambda: store.drop(board_key))
    return competition


def _default_direction(metric: str | None) -> bool:
    found = metrics_registry().get(metric or "")
    return bool(found and found.lower_is_better)


def competition_delete(*, competition: Competition, actor) -> None:
    """Only a competition that has not started goes away; a started one keeps its record."""
    status = competition_status(competition, timezone.now(), current_brand().time_zone)
    if status != Status.UPCOMING:
        raise ValidationError(_("比赛已开始，不能删除。"))
    key = f"c:{competition.pk}"
    competition.delete()
    transaction.on_commit(lambda: store.drop(key))


# --- the close --------------------------------------------------------------------------------


def _names(competition: Competition, subjects: list[int]) -> dict[int, tuple[str, str, Team | None]]:
    """(name, team name, team) per competitor, as they are now."""
    if competition.by_team:
        teams = Team.objects.in_bulk(subjects)
        return {pk: (team.name, "", team) for pk, team in teams.items()}
    people = User.objects.in_bulk(subjects)
    teams = {m.person_id: m.team for m in Membership.objects.filter(person_id__in=subjects).select_related("team")}
    return {
        pk: (person.full_name, teams[pk].name if pk in teams else "", teams.get(pk)) for pk, person in people.items()
    }


@transaction.atomic
def competition_close(*, competition_id: int, actor=None) -> Competition:
    """Freeze the results: every competitor's final value, rank and prizes, from PostgreSQL."""
    competition = Competition.objects.select_for_update().prefetch_related("teams").get(pk=competition_id)
    if competition.frozen_at is not None:
        return competition
    registry = metrics_registry()
    board = competition_board(competition)
    field_ = competition_field(competition)
    values = values_of(board, field_, field_, registry)
    achieved = entries_sync(competition.pk, values, board.lower_is_better, whole=True)
    ranked = rank_all(((s, v, achieved.get(s)) for s, v in values.items()), board)
    prizes = list(competition.prizes.all())
    judge = TierJudge(board, registry, field_) if has_tier_prizes(prizes) and board.metric in registry else None
    names = _names(competition, [r.subject_id for r in ranked])
    standings = []
    for row in ranked:
        name, team_name, team = names.get(row.subject_id, ("?", "", None))
        tier = judge.tier(row.subject_id, row.value) if judge else None
        standings.append(
            Standing(
                competition=competition,
                position=row.position,
                rank=row.rank,
                person_id=None if competition.by_team else row.subject_id,
                team=team,
                name=name,
                team_name=team_name,
                value=row.value,
                tier=tier or "",
                prizes=prizes_won(prizes, row.rank, tier),
                members=sorted(field_.get(row.subject_id, ())) if isinstance(field_, dict) else [],
            )
        )
    Standing.objects.filter(competition=competition).delete()
    Standing.objects.bulk_create(standings)
    competition.frozen_at = timezone.now()
    competition.save(update_fields=["frozen_at"])
    winners = [f"{s.rank}. {s.name}" for s in standings if s.prizes][:10]
    CompetitionChange.objects.create(
        competition=competition, actor=_person(actor), action=CompetitionChange.Action.CLOSE, diff={"winners": winners}
    )
    transaction.on_commit(lambda: store.drop(board.key))
    return competition


def competitions_close_due(*, now=None) -> list[int]:
    """Close every competition whose end (plus its settling time) has passed."""
    time_zone = current_brand().time_zone
    now = now or timezone.now()
    candidates = Competition.objects.filter(frozen_at__isnull=True, ends_on__lt=brand_today(time_zone))
    due = [c.pk for c in candidates if closes_at(c, time_zone) <= now]
    for pk in due:
        competition_close(competition_id=pk)
    return due


@transaction.atomic
def competition_reopen(*, competition: Competition, actor, reason: str) -> Competition:
    """Unfreeze: late data counts again, and the results freeze anew at the next close."""
    if not can(actor, Capability.COMPETITIONS_OVERRIDE):
        raise PermissionDenied(_("只有品牌管理员可以重新开放比赛。"))
    if not reason.strip():
        raise ValidationError({"reason": [_("请写明重新开放的原因（会记入变更记录）。")]})
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    if competition.frozen_at is None:
        raise ValidationError(_("比赛还没有冻结成绩。"))
    previous = [f"{s.rank}. {s.name}" for s in competition.standings.exclude(prizes=[])][:10]
    competition.standings.all().delete()
    competition.frozen_at = None
    competition.save(update_fields=["frozen_at"])
    CompetitionChange.objects.create(
        competition=competition,
        actor=_person(actor),
        action=CompetitionChange.Action.REOPEN,
        reason=reason.strip(),
        diff={"winners": [previous, []]},
    )
    return competition
