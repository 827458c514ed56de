"""Competitions (a metric, a period, who takes part, prizes), their live entries and frozen
standings, the log of every change to their rules, and the brand's standing boards."""

from typing import Any

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.organisation.roles import Role

USER = settings.AUTH_USER_MODEL
VALUE: dict[str, Any] = {"max_digits": 20, "decimal_places": 4}


class TieRule(models.TextChoices):
    SHARED = "shared", _("并列同名次")
    EARLIER_FIRST = "earlier_first", _("先达到者在前")


class Competition(models.Model):
    """One metric over whole brand-local days, ranked among people or teams."""

    class Scope(models.TextChoices):
        BRAND = "brand", _("全品牌个人赛")
        TEAMS = "teams", _("指定团队个人赛")
        TEAM_VS_TEAM = "team_vs_team", _("团队对抗赛")

    name = models.CharField(_("比赛名称"), max_length=100)
    description = models.TextField(_("规则说明"), blank=True, help_text=_("给参赛者看的补充说明，开赛前即公布"))
    metric = models.CharField(_("比赛指标"), max_length=64)
    lower_is_better = models.BooleanField(_("越低越好"), default=False)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    scope = models.CharField(_("范围"), max_length=16, choices=Scope.choices, default=Scope.BRAND)
    teams = models.ManyToManyField("organisation.Team", verbose_name=_("参赛团队"), blank=True, related_name="+")
    participant_roles = ArrayField(
        models.CharField(max_length=32, choices=Role.choices),
        verbose_name=_("参赛角色"),
        default=list,
        help_text=_("拥有其中任一角色的人参赛"),
    )
    min_value = models.DecimalField(
        _("资格线"),
        null=True,
        blank=True,
        help_text=_("达不到这个值不排名、不获奖（越低越好的指标：超过它不排名）"),
        **VALUE,
    )
    tie_rule = models.CharField(_("并列规则"), max_length=16, choices=TieRule.choices, default=TieRule.SHARED)
    per_capita = models.BooleanField(_("团队按人均比较"), default=False, help_text=_("团队对抗赛：成绩除以参赛人数"))
    show_amounts = models.BooleanField(
        _("公开数值"), default=True, help_text=_("关闭后，导购和大屏只看到名次，看不到他人的金额或数量")
    )
    settle_minutes = models.PositiveIntegerField(
        _("结算等待（分钟）"),
        default=60,
        validators=[MaxValueValidator(24 * 60)],
        help_text=_("结束后再等这么久收齐迟到的数据，然后冻结成绩"),
    )
    frozen_at = models.DateTimeField(_("成绩冻结于"), null=True, blank=True)
    created_by = models.ForeignKey(
        USER, verbose_name=_("创建人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("比赛")
        verbose_name_plural = _("比赛")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="competition_dates"),
        ]
        indexes = [models.Index(fields=["frozen_at", "ends_on"])]

    def __str__(self):
        return self.name

    @property
    def by_team(self) -> bool:
        return self.scope == self.Scope.TEAM_VS_TEAM


class Prize(models.Model):
    """A prize for a range of ranks (1st; 2nd–3rd …) or for reaching an achievement tier."""

    class Tier(models.TextChoices):
        ACHIEVED = "achieved", _("达成目标")
        EXCEEDED = "exceeded", _("超额达成")

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="prizes")
    rank_from = models.PositiveIntegerField(_("名次从"), null=True, blank=True, validators=[MinValueValidator(1)])
    rank_to = models.PositiveIntegerField(_("名次到"), null=True, blank=True, validators=[MinValueValidator(1)])
    tier = models.CharField(_("达成档位"), max_length=16, choices=Tier.choices, blank=True)
    label = models.CharField(_("奖励"), max_length=100)

    class Meta:
        verbose_name = _("奖励")
        verbose_name_plural = _("奖励")
        ordering = ["rank_from", "tier", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(rank_from__isnull=False, rank_to__isnull=False, tier=""))
                | (
                    models.Q(rank_from__isnull=True, rank_to__isnull=True)
                    & (models.Q(tier="achieved") | models.Q(tier="exceeded"))
                ),
                name="prize_by_rank_or_tier",
            ),
            models.CheckConstraint(condition=models.Q(rank_to__gte=models.F("rank_from")), name="prize_rank_order"),
        ]

    def __str__(self):
        return self.label


class Entry(models.Model):
    """A competitor's live value and when they reached it (the tie-break for "earlier first").

    PostgreSQL keeps these so that a board rebuilt after Redis is lost ranks ties the same way.
    """

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="entries")
    subject_id = models.BigIntegerField()  # a person, or a team in team-vs-team
    value = models.DecimalField(**VALUE)
    achieved_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["competition", "subject_id"], name="entry_once")]

    def __str__(self):
        return f"{self.competition_id}/{self.subject_id}: {self.value}"


class Standing(models.Model):
    """A competitor's frozen result: what the history and medals are read from."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="standings")
    position = models.PositiveIntegerField()  # order on the board, 1…n
    rank = models.PositiveIntegerField(null=True)  # None: below the qualifying line
    person = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="standings")
    team = models.ForeignKey("organisation.Team", null=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(max_length=100)  # as it was at the close
    team_name = models.CharField(max_length=100, blank=True)
    value = models.DecimalField(**VALUE)
    tier = models.CharField(max_length=16, blank=True)
    prizes = ArrayField(models.CharField(max_length=100), default=list)
    members = ArrayField(models.BigIntegerField(), default=list)  # a team's people at the close

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["competition", "position"], name="standing_position")]
        indexes = [models.Index(fields=["person", "rank"])]

    def __str__(self):
        return f"{self.rank or '—'}. {self.name}"


class ChangeAction(models.TextChoices):
    CREATE = "create", _("创建")
    UPDATE = "update", _("修改规则")
    CLOSE = "close", _("冻结成绩")
    REOPEN = "reopen", _("重新开放")


class CompetitionChange(models.Model):
    """Every change to a competition: who, when, why, and what it was before."""

    Action = ChangeAction

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=16, choices=Action.choices)
    reason = models.TextField(blank=True)
    diff = models.JSONField(default=dict)  # {field: [before, after]}
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_action_display()} @ {self.at:%Y-%m-%d %H:%M}"


def default_standing_metrics():
    return ["gmv", "fans_added", "orders"]


def default_standing_roles():
    return [Role.SALES_REP]


class LeaderboardSettings(models.Model):
    """One row per brand: the headline metrics of the standing boards (today, week, month)."""

    metrics = ArrayField(
        models.CharField(max_length=64), verbose_name=_("常设榜指标"), default=default_standing_metrics
    )
    roles = ArrayField(
        models.CharField(max_length=32, choices=Role.choices),
        verbose_name=_("常设榜参与角色"),
        default=default_standing_roles,
    )
    show_amounts = models.BooleanField(_("常设榜公开数值"), default=True)

    class Meta:
        verbose_name = _("排行榜设置")
        verbose_name_plural = _("排行榜设置")

    def __str__(self):
        return str(self._meta.verbose_name)


class WallLink(models.Model):
    """A link that opens the wall display on a shop-floor TV without anyone logging in: it shows
    the boards as a room sees them (nobody's own place) and nothing else. Only a hash of its
    secret is kept; revoking it closes the screen at its next poll."""

    name = models.CharField(_("名称"), max_length=100, help_text=_("例如：南京路店收银台大屏"))
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("停用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("大屏链接")
        verbose_name_plural = _("大屏链接")
        ordering = [models.F("revoked_at").asc(nulls_first=True), "-created_at"]  # live ones first

    def __str__(self):
        return self.name
