from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL
MAX_TEXT_BYTES = 64 * 1024


class Category(models.TextChoices):
    INSULT = "insult", _("辱骂客户")
    PRIVATE_ORDER = "private_order", _("私单")
    FLYING_ORDER = "flying_order", _("飞单")
    PERSONAL_DATA = "personal_data", _("个人信息")
    FORBIDDEN_PROMISE = "forbidden_promise", _("违规承诺")
    COMPETITOR = "competitor", _("竞品撬单")


class Severity(models.TextChoices):
    LOW = "low", _("低")
    MEDIUM = "medium", _("中")
    HIGH = "high", _("高")


SEVERITY_RANK: dict[str, int] = {Severity.LOW: 1, Severity.MEDIUM: 2, Severity.HIGH: 3}


class MessageDirection(models.TextChoices):
    REP_TO_CUSTOMER = "rep_to_customer", _("导购→客户")
    CUSTOMER_TO_REP = "customer_to_rep", _("客户→导购")


class Message(models.Model):
    """A chat message between a rep and a customer, as a WeCom conversation archive gives it."""

    Direction = MessageDirection

    class Type(models.TextChoices):
        TEXT = "text", _("文字")
        IMAGE = "image", _("图片")
        VOICE = "voice", _("语音")
        VIDEO = "video", _("视频")
        FILE = "file", _("文件")
        LINK = "link", _("链接")
        EMOTION = "emotion", _("表情")
        OTHER = "other", _("其他")

    message_id = models.CharField(_("消息编号"), max_length=128, unique=True)
    conversation_id = models.CharField(_("会话编号"), max_length=128)
    rep = models.ForeignKey(USER, verbose_name=_("导购"), on_delete=models.PROTECT, related_name="messages")
    customer_ref = models.CharField(_("客户编号"), max_length=100)
    direction = models.CharField(_("方向"), max_length=20, choices=Direction.choices)
    sent_at = models.DateTimeField(_("发送时间"))
    day = models.DateField(_("日期"))  # sent_at in the brand's time zone
    msg_type = models.CharField(_("类型"), max_length=16, choices=Type.choices, default=Type.TEXT)
    text = models.TextField(_("内容"), blank=True)
    scanned_at = models.DateTimeField(_("检测时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("接收时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("聊天消息")
        verbose_name_plural = _("聊天消息")
        indexes = [
            models.Index(fields=["conversation_id", "sent_at"]),
            models.Index(fields=["rep", "day"]),
            models.Index(fields=["scanned_at"], name="message_unscanned", condition=models.Q(scanned_at=None)),
        ]

    def __str__(self):
        return self.message_id


class Rule(models.Model):
    """What to look for in reps' messages: keywords, a pattern or a built-in detector."""

    class Kind(models.TextChoices):
        KEYWORDS = "keywords", _("关键词")
        PATTERN = "pattern", _("正则表达式")
        DETECTOR = "detector", _("内置检测")

    class Detector(models.TextChoices):
        MOBILE = "mobile", _("大陆手机号")
        ID_CARD = "id_card", _("18 位身份证号（校验位）")
        BANK_CARD = "bank_card", _("银行卡号（Luhn 校验）")

    class Applies(models.TextChoices):
        REP = "rep", _("导购发出的消息")
        CUSTOMER = "customer", _("客户发出的消息")
        BOTH = "both", _("双方")

    name = models.CharField(_("名称"), max_length=100)
    category = models.CharField(_("类别"), max_length=32, choices=Category.choices)
    severity = models.CharField(_("严重程度"), max_length=8, choices=Severity.choices, default=Severity.MEDIUM)
    kind = models.CharField(_("方式"), max_length=16, choices=Kind.choices, default=Kind.KEYWORDS)
    keywords = ArrayField(
        models.CharField(max_length=100),
        verbose_name=_("关键词"),
        default=list,
        blank=True,
        help_text=_("一行一个；谐音、变体也写上（薇信、V信、vx）"),
    )
    exceptions = ArrayField(
        models.CharField(max_length=100),
        verbose_name=_("例外词"),
        default=list,
        blank=True,
        help_text=_("包含关键词但不算违规的词，一行一个（滚动、神经酰胺）"),
    )
    pattern = models.CharField(
        _("正则表达式"),
        max_length=500,
        blank=True,
        help_text=_("RE2 语法，在规整后的文本上匹配（全角转半角、繁转简、小写）"),
    )
    detector = models.CharField(_("内置检测"), max_length=16, choices=Detector.choices, blank=True)
    applies_to = models.CharField(_("检测对象"), max_length=16, choices=Applies.choices, default=Applies.REP)
    skip_negated = models.BooleanField(
        _("否定句不算"), default=True, help_text=_("如“我们不接受私下转账”：命中前紧挨着否定词时不算违规")
    )
    enabled = models.BooleanField(_("启用"), default=True)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("合规规则")
        verbose_name_plural = _("合规规则")
        ordering = ["category", "name"]

    def __str__(self):
        return self.name


class AllowPhrase(models.Model):
    """Text that is never flagged, e.g. the brand's own hotline or "官方小程序"."""

    phrase = models.CharField(_("白名单短语"), max_length=100, unique=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("白名单")
        verbose_name_plural = _("白名单")
        ordering = ["phrase"]

    def __str__(self):
        return self.phrase


class ComplianceSettings(models.Model):
    """One row per brand: the rules' version (bumped on any change, so cached rule sets refresh)
    and the outbound webhook."""

    rules_version = models.PositiveIntegerField(_("规则版本"), default=1)
    webhook_url = models.URLField(_("企业微信群机器人 Webhook"), max_length=500, blank=True)
    webhook_min_severity = models.CharField(
        _("推送的最低严重程度"), max_length=8, choices=Severity.choices, default=Severity.HIGH
    )

    class Meta:
        verbose_name = _("合规设置")
        verbose_name_plural = _("合规设置")

    def __str__(self):
        return str(self._meta.verbose_name)


class Violation(models.Model):
    """A rule's hit on a message, waiting for or carrying a manager's decision."""

    class Status(models.TextChoices):
        OPEN = "open", _("待审核")
        CONFIRMED = "confirmed", _("已确认")
        APPEALED = "appealed", _("申诉中")  # confirmed, and counted so, until the appeal is decided
        DISMISSED = "dismissed", _("已驳回")

    # What counts as a violation in figures: a confirmation stands while its appeal waits.
    COUNTED = (Status.CONFIRMED, Status.APPEALED)

    message = models.ForeignKey(Message, verbose_name=_("消息"), on_delete=models.CASCADE, related_name="violations")
    rule = models.ForeignKey(Rule, verbose_name=_("规则"), on_delete=models.PROTECT, related_name="violations")
    rep = models.ForeignKey(USER, verbose_name=_("导购"), on_delete=models.PROTECT, related_name="violations")
    day = models.DateField(_("日期"))
    category = models.CharField(_("类别"), max_length=32, choices=Category.choices)
    severity = models.CharField(_("严重程度"), max_length=8, choices=Severity.choices)
    matched_text = models.CharField(_("命中内容"), max_length=200)
    start = models.PositiveIntegerField()  # span of the hit in message.text
    end = models.PositiveIntegerField()
    reason = models.CharField(_("命中原因"), max_length=300)  # kind:detail, see reason_text
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("发现时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("违规")
        verbose_name_plural = _("违规")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["message", "rule"], name="violation_once_per_rule")]
        indexes = [
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["rep", "day"]),
            models.Index(fields=["day"]),  # a day's violations, for the daily report
        ]

    def __str__(self):
        return f"{self.get_category_display()}: {self.matched_text}"

    @property
    def reason_text(self) -> str:
        return reason_text(self.reason)


def reason_text(reason: str) -> str:
    """Why a rule fired, in the reader's language, from the detector's "kind:detail"."""
    kind, _sep, detail = reason.partition(":")
    wording = {
        "keyword": _("关键词「%(detail)s」"),
        "pattern": _("按句式识别（规则的正则表达式）"),  # the regex itself is for the rule's editor, on its page
        "mobile": _("大陆手机号 %(detail)s"),
        "id_card": _("身份证号，校验位正确 %(detail)s"),
        "bank_card": _("银行卡号，Luhn 校验通过 %(detail)s"),
    }.get(kind)
    return wording % {"detail": detail} if wording else reason


class DecisionAction(models.TextChoices):
    CONFIRM = "confirm", _("确认违规")
    DISMISS = "dismiss", _("驳回")
    REOPEN = "reopen", _("重新打开")
    APPEAL = "appeal", _("导购申诉")
    APPEAL_ACCEPT = "appeal_accept", _("申诉成立，撤销违规")
    APPEAL_REJECT = "appeal_reject", _("申诉不成立，维持违规")


class Decision(models.Model):
    """Every review of a violation, kept: who decided what, when, and why."""

    Action = DecisionAction

    violation = models.ForeignKey(Violation, on_delete=models.CASCADE, related_name="decisions")
    actor = models.ForeignKey(USER, verbose_name=_("审核人"), on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("操作"), max_length=16, choices=Action.choices)
    note = models.TextField(_("备注"), blank=True)
    decided_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")
        ordering = ["decided_at", "id"]
        indexes = [models.Index(fields=["decided_at"])]  # a day's decisions, for the daily report

    def __str__(self):
        return f"{self.get_action_display()} {self.violation_id}"


class WebhookDelivery(models.Model):
    """One violation pushed to the brand's group robot: attempts and outcome, for the record."""

    violation = models.OneToOneField(Violation, on_delete=models.CASCADE, related_name="delivery")
    attempts = models.PositiveIntegerField(default=0)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    def __str__(self):
        return f"{self.violation_id}: {self.attempts}"
