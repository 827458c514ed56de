"""A brand's WeCom (企业微信) corp as we keep it: the connection (secrets sealed), the corp's
departments and members matched to our teams and people, its external contacts (our customers)
and who follows them, customer groups, channel codes, sync runs and every callback received."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.kpis.catalogue import Channel
from apps.organisation.roles import Role

USER = settings.AUTH_USER_MODEL


class Connection(models.Model):
    """The brand's one connection (pk 1). Secrets are sealed (apps.common.sealed): never stored,
    exported or logged in the clear."""

    corp_id = models.CharField(_("企业 ID（CorpID）"), max_length=64, blank=True)
    agent_id = models.CharField(_("自建应用 AgentId"), max_length=32, blank=True)
    app_secret = models.TextField(_("自建应用 Secret（已加密）"), blank=True)
    contact_secret = models.TextField(_("客户联系 Secret（已加密）"), blank=True)
    callback_token = models.TextField(_("回调 Token（已加密）"), blank=True)
    callback_aes_key = models.TextField(_("回调 EncodingAESKey（已加密）"), blank=True)
    # The demo brand talks to the WeCom simulator (WECOM_SIMULATOR_URL), every other brand to WeCom.
    simulated = models.BooleanField(_("连接的是模拟器"), default=False)
    new_member_role = models.CharField(
        _("新成员的角色"), max_length=32, choices=Role.choices, default=Role.SALES_REP, blank=True
    )
    # What the brand's app tells people (应用消息); each can be turned off on the settings page.
    alert_violations = models.BooleanField(_("高风险违规提醒门店负责人"), default=True)
    send_reports = models.BooleanField(_("把每位管理者的数据日报部分发给本人"), default=True)
    remind_logs = models.BooleanField(_("提醒未交昨天员工日报的导购"), default=True)
    log_reminder_lead = models.PositiveSmallIntegerField(
        _("在日报截止前多少分钟提醒"), default=60, validators=[MinValueValidator(1), MaxValueValidator(720)]
    )
    connected_at = models.DateTimeField(_("连接时间"), null=True, blank=True)
    disconnected_at = models.DateTimeField(_("断开时间"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("企业微信连接")
        verbose_name_plural = _("企业微信连接")

    def __str__(self):
        return self.corp_id or "—"

    @property
    def active(self) -> bool:
        return self.connected_at is not None and self.disconnected_at is None


class Department(models.Model):
    """A WeCom department and the team it is kept in step with."""

    dept_id = models.BigIntegerField(unique=True)
    parent_dept_id = models.BigIntegerField(null=True, blank=True)
    name = models.CharField(max_length=100)
    team = models.OneToOneField(
        "organisation.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="wecom_department"
    )

    def __str__(self):
        return self.name


class Member(models.Model):
    """A WeCom member (userid) and the person they are."""

    userid = models.CharField(max_length=64, unique=True)
    person = models.OneToOneField(USER, on_delete=models.CASCADE, related_name="wecom_member")
    name = models.CharField(max_length=100, blank=True)
    dept_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.userid


class ExternalContact(models.Model):
    """A customer as WeCom describes them (external_userid is our customer's ref)."""

    external_userid = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=100, blank=True)
    kind = models.PositiveSmallIntegerField(default=1)  # 1 a WeChat user, 2 a WeCom user
    corp_name = models.CharField(max_length=100, blank=True)
    unionid = models.CharField(max_length=64, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.name or self.external_userid


class Follow(models.Model):
    """One member following one customer, as WeCom lists it (a customer may have several)."""

    contact = models.ForeignKey(ExternalContact, on_delete=models.CASCADE, related_name="follows")
    userid = models.CharField(max_length=64)
    person = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    remark = models.CharField(max_length=100, blank=True)
    tags = ArrayField(models.CharField(max_length=50), default=list, blank=True)
    added_at = models.DateTimeField(null=True, blank=True)
    add_way = models.IntegerField(null=True, blank=True)
    state = models.CharField(max_length=30, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)  # the member deleted the customer
    lost_at = models.DateTimeField(null=True, blank=True)  # the customer deleted the member
    seen_in = models.BigIntegerField(null=True, blank=True)  # the last sync run that read it

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contact", "userid"], name="wecom_follow_once")]
        indexes = [models.Index(fields=["state"]), models.Index(fields=["userid"])]

    def __str__(self):
        return f"{self.userid} → {self.contact_id}"


class CustomerGroup(models.Model):
    """A customer group (客户群) and its owner."""

    chat_id = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=100, blank=True)
    owner_userid = models.CharField(max_length=64, blank=True)
    owner = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(null=True, blank=True)
    dismissed_at = models.DateTimeField(null=True, blank=True)
    member_count = models.PositiveIntegerField(default=0)
    customer_count = models.PositiveIntegerField(default=0)
    # Who is in it now: userid or external_userid → [type (1 staff, 2 customer), join_time].
    roster = models.JSONField(default=dict, blank=True)

    def __str__(self):
        return self.name or self.chat_id


class GroupDay(models.Model):
    """A group's members at the end of a brand-local day, and who joined and left that day."""

    group = models.ForeignKey(CustomerGroup, on_delete=models.CASCADE, related_name="days")
    day = models.DateField()
    members = models.PositiveIntegerField(default=0)
    joins = models.PositiveIntegerField(default=0)
    leaves = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "day"], name="wecom_group_day_once")]

    def __str__(self):
        return f"{self.group_id} {self.day}: {self.members}"


class ChannelCode(models.Model):
    """A 联系我 code (渠道活码) for a campaign, channel, store or rep. Adds through it carry its
    state, which attributes them to its campaign, channel and rep."""

    name = models.CharField(_("名称"), max_length=100)
    state = models.CharField(max_length=30, unique=True)
    config_id = models.CharField(max_length=64, blank=True)
    qr_code = models.URLField(max_length=500, blank=True)
    campaign = models.ForeignKey(
        "kpis.Campaign", verbose_name=_("活动"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("渠道"), max_length=32, choices=Channel.choices, default=Channel.WECOM)
    team = models.ForeignKey(
        "organisation.Team", verbose_name=_("门店"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    people = models.ManyToManyField("accounts.User", verbose_name=_("接待导购"), related_name="+")
    cost = models.DecimalField(
        _("投放成本"), max_digits=14, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("渠道活码")
        verbose_name_plural = _("渠道活码")
        ordering = ["-created_at"]

    def __str__(self):
        return self.name


class SyncRun(models.Model):
    """One sync of the corp into the brand: departments, members, contacts, groups, behaviour data.
    `progress` keeps each step's cursor, so a run a worker lost resumes where it stopped."""

    class Status(models.TextChoices):
        RUNNING = "running", _("同步中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    STEPS = ("departments", "members", "contacts", "groups", "behaviour")

    class Trigger(models.TextChoices):
        CONNECT = "connect", _("连接时")
        NIGHTLY = "nightly", _("每晚")
        BUTTON = "button", _("手动")

    trigger = models.CharField(max_length=16, choices=Trigger.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    step = models.CharField(max_length=32, blank=True)
    progress = models.JSONField(default=dict, blank=True)  # step → {"done", "total", "cursor"}
    counts = models.JSONField(default=dict, blank=True)  # what changed: "teams_created", "customers_new" …
    errors = models.JSONField(default=list, blank=True)  # [{"step", "errcode", "errmsg"}]
    started_at = models.DateTimeField(auto_now_add=True)
    touched_at = models.DateTimeField(auto_now=True)  # a run not touched for minutes was lost by its worker
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.trigger} {self.started_at:%Y-%m-%d %H:%M} {self.status}"


class CallbackReceipt(models.Model):
    """A callback WeCom sent, as received (after its signature was checked): a replay of the same
    signature and nonce, or of the same message, is recognised and changes nothing."""

    key = models.CharField(max_length=64, unique=True)  # sha256 of signature, timestamp and nonce
    digest = models.CharField(max_length=64, unique=True)  # sha256 of the decrypted message
    event = models.CharField(max_length=64, blank=True)
    change_type = models.CharField(max_length=64, blank=True)
    message = models.JSONField(default=dict)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["processed_at", "received_at"])]

    def __str__(self):
        return f"{self.event}/{self.change_type}"


class Handover(models.Model):
    """A customer waiting for a new owner: their rep left, or WeCom could not transfer them."""

    class Reason(models.TextChoices):
        REP_LEFT = "rep_left", _("导购离职")
        TRANSFER_FAILED = "transfer_failed", _("转接失败")

    external_userid = models.CharField(max_length=64)
    userid = models.CharField(max_length=64)
    person = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(max_length=32, choices=Reason.choices)
    detail = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["external_userid", "userid", "reason"], name="wecom_handover_once")
        ]
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.external_userid} ({self.get_reason_display()})"


class RemovalAlert(models.Model):
    """A rep deleted a customer (del_external_contact): their lead is told."""

    rep = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    external_userid = models.CharField(max_length=64)
    customer_name = models.CharField(max_length=100, blank=True)
    at = models.DateTimeField()
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rep", "external_userid", "at"], name="wecom_removal_once")]
        ordering = ["-at"]

    def __str__(self):
        return f"{self.rep_id} removed {self.external_userid}"


class BehaviourDay(models.Model):
    """One rep's day of customer service as WeCom counts it (get_user_behavior_data). WeCom gives a
    day's reply percentage and average reply time; they are kept as the sums they stand for
    (chats replied, minutes taken), which add up over people and days where percentages do not."""

    person = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    chats = models.PositiveIntegerField(default=0)  # chat_cnt: chats the rep took part in
    messages = models.PositiveIntegerField(default=0)  # message_cnt: messages the rep sent
    replied_chats = models.DecimalField(max_digits=10, decimal_places=2, default=0)  # chats × reply %
    reply_minutes = models.DecimalField(max_digits=14, decimal_places=2, default=0)  # replied × avg minutes
    new_applies = models.PositiveIntegerField(default=0)  # new_apply_cnt: friend requests the rep sent
    new_contacts = models.PositiveIntegerField(default=0)  # new_contact_cnt
    negative_feedback = models.PositiveIntegerField(
        default=0
    )  # negative_feedback_cnt: customers who deleted or blocked
    fetched_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "day"], name="wecom_behaviour_once")]
        indexes = [models.Index(fields=["day"])]

    def __str__(self):
        return f"{self.person_id} @ {self.day}"


class AppMessage(models.Model):
    """One message to one person through the brand's WeCom app (应用消息), made once per purpose,
    subject and person (a violation, a report's day, a log's day), so a task run twice or a sweep
    racing it never sends it twice; every attempt is counted and its last error kept."""

    class Purpose(models.TextChoices):
        VIOLATION = "violation", _("违规提醒")
        REPORT = "report", _("数据日报")
        LOG_REMINDER = "log_reminder", _("员工日报提醒")

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    purpose = models.CharField(_("用途"), max_length=16, choices=Purpose.choices)
    key = models.CharField(max_length=64)  # what it is about: a violation's id, a day
    person = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+", verbose_name=_("收件人"))
    userid = models.CharField(max_length=64)  # their WeCom userid when it was made
    title = models.CharField(_("标题"), max_length=128)
    description = models.TextField(_("内容"))  # textcard HTML, escaped when it was made
    url = models.URLField(max_length=1000)
    button = models.CharField(max_length=8)  # the card's button (btntxt: WeCom shows at most 4 characters)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    msgid = models.CharField(max_length=128, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    attempted_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("应用消息")
        verbose_name_plural = _("应用消息")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["purpose", "key", "person"], name="wecom_message_once")]
        indexes = [models.Index(fields=["status", "attempted_at"])]

    def __str__(self):
        return f"{self.get_purpose_display()} {self.key} → {self.person_id}"
