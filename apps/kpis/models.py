from typing import Any

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.kpis.catalogue import Channel, EventKind
from apps.organisation.roles import Role

MONEY: dict[str, Any] = {"max_digits": 16, "decimal_places": 2}
USER = settings.AUTH_USER_MODEL


class Campaign(models.Model):
    """活动: events tagged with it attribute their users, GMV and cost to it."""

    code = models.SlugField(_("活动代码"), max_length=64, unique=True, help_text=_("事件里用这个代码标记活动"))
    name = models.CharField(_("活动名称"), max_length=100)
    channel = models.CharField(_("渠道"), max_length=32, choices=Channel.choices)
    owner = models.ForeignKey(
        USER, verbose_name=_("负责人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="campaigns"
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    budget = models.DecimalField(_("预算"), default=0, validators=[MinValueValidator(0)], **MONEY)
    target_gmv = models.DecimalField(_("GMV 目标"), null=True, blank=True, validators=[MinValueValidator(0)], **MONEY)

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="campaign_dates"),
        ]

    def __str__(self):
        return self.name


class Customer(models.Model):
    """A person in the pool (用户资产). Every field but `ref` and `name` is derived from the
    customer's events: merged batch by batch as events arrive (services/rollups.customers_merge)
    and recomputed by a rebuild (customers_refresh), which give the same result. `name` is what a
    connected source calls them (their WeChat name), kept as it last said."""

    ref = models.CharField(_("客户编号"), max_length=100, unique=True)
    name = models.CharField(_("客户昵称"), max_length=100, blank=True, db_default="")  # raw inserts leave it out
    owner = models.ForeignKey(
        USER, verbose_name=_("所属导购"), null=True, blank=True, on_delete=models.PROTECT, related_name="customers"
    )
    channel = models.CharField(_("来源渠道"), max_length=32, choices=Channel.choices, blank=True)
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("来源活动"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    tags = ArrayField(models.CharField(max_length=50), verbose_name=_("标签"), default=list, blank=True)
    first_seen_at = models.DateTimeField(_("首次出现"))
    joined_on = models.DateField(_("入池日期"))
    left_on = models.DateField(_("流失日期"), null=True, blank=True)
    first_order_on = models.DateField(_("首单日期"), null=True, blank=True)
    last_order_on = models.DateField(_("最近下单"), null=True, blank=True)
    last_contact_on = models.DateField(_("最近跟进"), null=True, blank=True)
    orders_count = models.PositiveIntegerField(_("订单数"), default=0)
    gmv_total = models.DecimalField(_("累计成交"), default=0, **MONEY)
    # When each "first" fact was seen, and the latest add and deletion: what lets a batch of new
    # events update the facts above without reading the customer's older events again.
    owner_seen_at = models.DateTimeField(null=True, editable=False)
    channel_seen_at = models.DateTimeField(null=True, editable=False)
    campaign_seen_at = models.DateTimeField(null=True, editable=False)
    last_added_at = models.DateTimeField(null=True, editable=False)
    last_deleted_at = models.DateTimeField(null=True, editable=False)
    last_deleted_on = models.DateField(null=True, editable=False)

    class Meta:
        verbose_name = _("客户")
        verbose_name_plural = _("客户")
        indexes = [
            models.Index(fields=["owner", "joined_on"]),
            models.Index(fields=["joined_on"]),
            models.Index(fields=["campaign", "joined_on"]),
        ]

    def __str__(self):
        return self.name or self.ref

    @property
    def in_pool(self) -> bool:
        return self.left_on is None


class Event(models.Model):
    """What happened, as integrations report it: the source of truth every figure derives from."""

    external_id = models.CharField(_("外部编号"), max_length=100, unique=True)
    kind = models.CharField(_("类型"), max_length=32, choices=EventKind.choices)
    occurred_at = models.DateTimeField(_("发生时间"))
    day = models.DateField(_("日期"))  # occurred_at in the brand's time zone
    member = models.ForeignKey(
        USER, verbose_name=_("员工"), null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    channel = models.CharField(_("渠道"), max_length=32, choices=Channel.choices, blank=True)
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("活动"), null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("客户"), null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    quantity = models.IntegerField(_("数量"), default=1)
    amount = models.DecimalField(_("金额"), default=0, **MONEY)
    tags = ArrayField(models.CharField(max_length=50), verbose_name=_("客户标签"), default=list, blank=True)
    created_at = models.DateTimeField(_("接收时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("事件")
        verbose_name_plural = _("事件")
        indexes = [
            models.Index(fields=["member", "day"]),
            models.Index(fields=["day"]),
            models.Index(fields=["customer", "occurred_at"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.external_id}"


class RollupSums(models.Model):
    """One column per base metric summed from events (catalogue.ROLLUP_COLUMNS)."""

    fans_added = models.BigIntegerField(default=0)
    fans_deleted = models.BigIntegerField(default=0)
    fans_removed = models.BigIntegerField(default=0)
    group_joins = models.BigIntegerField(default=0)
    group_leaves = models.BigIntegerField(default=0)
    interactions = models.BigIntegerField(default=0)
    connections = models.BigIntegerField(default=0)
    leads = models.BigIntegerField(default=0)
    referrals = models.BigIntegerField(default=0)
    content_published = models.BigIntegerField(default=0)
    reads = models.BigIntegerField(default=0)
    shares = models.BigIntegerField(default=0)
    follows = models.BigIntegerField(default=0)
    comments = models.BigIntegerField(default=0)
    moments_posts = models.BigIntegerField(default=0)
    greetings = models.BigIntegerField(default=0)
    follow_ups = models.BigIntegerField(default=0)
    tasks_assigned = models.BigIntegerField(default=0)
    tasks_done = models.BigIntegerField(default=0)
    assets_produced = models.BigIntegerField(default=0)
    assets_on_time = models.BigIntegerField(default=0)
    asset_clicks = models.BigIntegerField(default=0)
    reports_due = models.BigIntegerField(default=0)
    reports_on_time = models.BigIntegerField(default=0)
    orders = models.BigIntegerField(default=0)
    items = models.BigIntegerField(default=0)
    gmv = models.DecimalField(default=0, **MONEY)
    cost = models.DecimalField(default=0, **MONEY)

    class Meta:
        abstract = True


class DailyRollup(RollupSums):
    """Base metrics summed per brand-local day, member, channel and campaign.

    Kept up to date by ingestion in the events' own transaction and rebuildable from events
    (`manage.py rebuild_rollups`). Figures read rollups, never the events.
    """

    day = models.DateField()
    member = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=32, blank=True)
    campaign = models.ForeignKey(Campaign, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "member", "channel", "campaign"], name="rollup_key", nulls_distinct=False
            )
        ]
        # (day, …) leads the unique key; people's figures read MemberDayRollup instead
        indexes = [models.Index(fields=["campaign", "day"])]

    def __str__(self):
        return f"{self.day} {self.member_id} {self.channel} {self.campaign_id}"


class MemberDayRollup(RollupSums):
    """The same sums per day and member only: at most one row per person and day, so a figure
    that needs no channel or campaign split costs days × people however many events there are."""

    day = models.DateField()
    member = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "member"], name="member_day_key", nulls_distinct=False)]
        indexes = [models.Index(fields=["member", "day"])]

    def __str__(self):
        return f"{self.day} {self.member_id}"


class FanBalance(models.Model):
    """Fans added minus deleted since the beginning, per member, channel and campaign.

    The pool's size at a past date is this minus the net adds after it, so reading it costs the
    days after the period, not the brand's whole history.
    """

    member = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=32, blank=True)
    campaign = models.ForeignKey(Campaign, null=True, on_delete=models.PROTECT, related_name="+")
    net = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "channel", "campaign"], name="fan_balance_key", nulls_distinct=False
            )
        ]

    def __str__(self):
        return f"{self.member_id} {self.channel} {self.campaign_id}: {self.net}"


class CustomerDay(models.Model):
    """Orders per customer and day: distinct and repeat buyers for any period without the events."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    member = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=32, blank=True)
    campaign = models.ForeignKey(Campaign, null=True, on_delete=models.PROTECT, related_name="+")
    orders = models.IntegerField(default=0)
    gmv = models.DecimalField(default=0, **MONEY)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "day", "member", "channel", "campaign"],
                name="customer_day_key",
                nulls_distinct=False,
            )
        ]
        indexes = [models.Index(fields=["member", "day"]), models.Index(fields=["day"])]

    def __str__(self):
        return f"{self.customer_id} {self.day}"


class KpiSettings(models.Model):
    """One row per brand: tier thresholds, the programme's stage, the scorecard's cap, and how far
    ahead of now a timestamp in may be."""

    class Stage(models.TextChoices):
        STARTUP = "startup", _("启动期")
        GROWTH = "growth", _("成长期")
        STEADY = "steady", _("稳定期")

    achieved_pct = models.DecimalField(
        _("达成线 %"), max_digits=6, decimal_places=2, default=100, validators=[MinValueValidator(1)]
    )
    exceeded_pct = models.DecimalField(
        _("超额线 %"), max_digits=6, decimal_places=2, default=120, validators=[MinValueValidator(1)]
    )
    stage = models.CharField(_("当前阶段"), max_length=16, choices=Stage.choices, default=Stage.GROWTH)
    score_cap_pct = models.DecimalField(
        _("单项得分上限 %"),
        max_digits=6,
        decimal_places=2,
        default=150,
        validators=[MinValueValidator(100)],
        help_text=_("一项 KPI 在记分卡里最多按这个达成率计算，防止单项超额掩盖其他短板"),
    )
    future_tolerance_minutes = models.PositiveSmallIntegerField(
        _("未来时间容差（分钟）"),
        default=5,
        validators=[MaxValueValidator(24 * 60)],
        help_text=_("事件和消息的时间最多可晚于现在这么多分钟（双方时钟的误差）；更晚的逐条拒收"),
    )

    class Meta:
        verbose_name = _("KPI 设置")
        verbose_name_plural = _("KPI 设置")
        constraints = [
            models.CheckConstraint(condition=models.Q(exceeded_pct__gt=models.F("achieved_pct")), name="tier_order")
        ]

    def __str__(self):
        return str(self._meta.verbose_name)


class CustomMetric(models.Model):
    """A brand's own derived metric: a formula over metric codes."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    formula = models.CharField(_("公式"), max_length=300)
    unit = models.CharField(_("单位"), max_length=16, default="ratio")
    lower_is_better = models.BooleanField(_("越低越好"), default=False)

    class Meta:
        verbose_name = _("自定义指标")
        verbose_name_plural = _("自定义指标")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Target(models.Model):
    """A KPI target for a person, a team, or the whole brand (neither), for a month or quarter."""

    class PeriodKind(models.TextChoices):
        MONTH = "month", _("月")
        QUARTER = "quarter", _("季度")

    metric = models.CharField(_("指标"), max_length=40)
    person = models.ForeignKey(
        USER, verbose_name=_("人员"), null=True, blank=True, on_delete=models.CASCADE, related_name="targets"
    )
    team = models.ForeignKey(
        "organisation.Team",
        verbose_name=_("团队"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="targets",
    )
    period_kind = models.CharField(_("周期"), max_length=16, choices=PeriodKind.choices, default=PeriodKind.MONTH)
    period_start = models.DateField(_("周期开始"))
    value = models.DecimalField(_("目标值"), validators=[MinValueValidator(0)], **MONEY)
    test_phase = models.BooleanField(_("测试期（只奖不罚）"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("KPI 目标")
        verbose_name_plural = _("KPI 目标")
        ordering = ["-period_start", "metric"]
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(person__isnull=False) & models.Q(team__isnull=False)),
                name="target_person_or_team",
            ),
            models.UniqueConstraint(
                fields=["metric", "person", "team", "period_kind", "period_start"],
                name="target_unique",
                nulls_distinct=False,
            ),
        ]
        indexes = [models.Index(fields=["period_start", "metric"])]

    def __str__(self):
        return f"{self.metric} {self.period_start}: {self.value}"


class StageWeight(models.Model):
    """How much a metric weighs in a role's scorecard at a stage (start-up, growth, steady)."""

    stage = models.CharField(_("阶段"), max_length=16, choices=KpiSettings.Stage.choices)
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    metric = models.CharField(_("指标"), max_length=40)
    weight = models.DecimalField(_("权重"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("阶段权重")
        verbose_name_plural = _("阶段权重")
        ordering = ["stage", "role", "-weight"]
        constraints = [models.UniqueConstraint(fields=["stage", "role", "metric"], name="stage_weight_unique")]

    def __str__(self):
        return f"{self.stage}/{self.role}/{self.metric}: {self.weight}"


class ImportJob(models.Model):
    """A file of events being imported in the background, with its progress and outcome."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("检查文件中")
        PENDING = "pending", _("待开始")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=255)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.CHECKING)
    rows_total = models.PositiveIntegerField(_("总行数"), default=0)
    rows_done = models.PositiveIntegerField(_("已处理"), default=0)
    created = models.PositiveIntegerField(_("新增"), default=0)
    duplicates = models.PositiveIntegerField(_("重复"), default=0)
    failed = models.PositiveIntegerField(_("出错"), default=0)
    message = models.CharField(_("说明"), max_length=500, blank=True)
    columns = models.JSONField(_("列名"), default=list)  # the file's header, in its order
    preview = models.JSONField(_("预览"), default=dict, blank=True)  # the worker's check: fields, first rows
    created_by = models.ForeignKey(
        USER, verbose_name=_("导入人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at"]

    def __str__(self):
        return self.original_name

    @property
    def percent(self) -> int:
        return 100 if not self.rows_total else min(100, round(self.rows_done * 100 / self.rows_total))

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class ImportRowError(models.Model):
    """One rejected row of an import, for the downloadable error report."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="row_errors")
    row = models.PositiveIntegerField(_("行号"))
    data = models.JSONField(_("原始数据"), default=list)  # the row's cells as uploaded, for fix-and-retry
    message = models.TextField(_("错误"))

    class Meta:
        ordering = ["row"]

    def __str__(self):
        return f"{self.row}: {self.message}"
