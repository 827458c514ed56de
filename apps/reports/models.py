"""The daily data report (数据日报): one per brand-local day, a stored snapshot of the day's figures
that every delivery (page, email, robot, XLSX, PDF) reads; and reps' daily logs (员工日报)."""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class ReportSettings(models.Model):
    """One row per brand: when the report goes out, to whom, and when logs close."""

    send_at = models.TimeField(_("日报发送时间"), default=datetime.time(9, 0), help_text=_("品牌时区，报告前一天"))
    log_cutoff = models.TimeField(
        _("员工日报截止时间"), default=datetime.time(10, 0), help_text=_("次日这个时间之前可以修改当天的日报")
    )
    email_managers = models.BooleanField(_("发邮件给运营经理和管理员"), default=True)
    email_team_leads = models.BooleanField(_("发邮件给团队负责人（本团队部分）"), default=True)
    email_reps = models.BooleanField(_("发邮件给导购（本人部分）"), default=False)
    webhook_url = models.URLField(
        _("企业微信群机器人 Webhook"), max_length=500, blank=True, help_text=_("留空则不推送；推送摘要和链接")
    )

    class Meta:
        verbose_name = _("日报设置")
        verbose_name_plural = _("日报设置")

    def __str__(self):
        return str(self._meta.verbose_name)


class DailyReport(models.Model):
    day = models.DateField(_("日期"), unique=True)
    data = models.JSONField(default=dict)
    generated_at = models.DateTimeField(_("生成时间"))
    generations = models.PositiveIntegerField(default=1)
    stale = models.BooleanField(default=False)  # late data arrived since it was generated
    delivered_at = models.DateTimeField(null=True, blank=True)  # deliveries started (not re-sent on regeneration)

    class Meta:
        verbose_name = _("数据日报")
        verbose_name_plural = _("数据日报")
        ordering = ["-day"]

    def __str__(self):
        return str(self.day)


class ReportDelivery(models.Model):
    """One recipient of one report (an email address, or the brand's robot): every attempt kept."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("邮件")
        WECOM = "wecom", _("企业微信群")

    report = models.ForeignKey(DailyReport, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    recipient = models.CharField(max_length=254)
    person = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "channel", "recipient"], name="report_delivery_once"),
        ]

    def __str__(self):
        return f"{self.report} → {self.recipient}"


class DailyLog(models.Model):
    """A rep's own account of a day: done, customers followed up, problems, tomorrow's plan."""

    person = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="daily_logs")
    day = models.DateField(_("日期"))
    done = models.TextField(_("今日完成"))
    customers = models.ManyToManyField("kpis.Customer", verbose_name=_("跟进的客户"), blank=True, related_name="+")
    problems = models.TextField(_("遇到的问题"), blank=True)
    plan = models.TextField(_("明日计划"))
    submitted_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("员工日报")
        verbose_name_plural = _("员工日报")
        ordering = ["-day", "person_id"]
        constraints = [models.UniqueConstraint(fields=["person", "day"], name="one_log_a_day")]
        indexes = [models.Index(fields=["day"])]

    def __str__(self):
        return f"{self.person_id} @ {self.day}"


class LogComment(models.Model):
    log = models.ForeignKey(DailyLog, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("批注"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.text[:40]
