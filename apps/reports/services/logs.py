"""Reps' daily logs: one per person and day, editable until the brand's cutoff the next morning;
managers comment on the logs of the people they see."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.common.periods import brand_today
from apps.kpis.models import Customer
from apps.reports.models import DailyLog, LogComment
from apps.reports.selectors import can_comment, report_settings
from apps.tenants.selectors import current_brand


def log_closes_at(day: date) -> datetime:
    """When a day's log stops being editable: the brand's cutoff time the next day."""
    zone = ZoneInfo(current_brand().time_zone)
    return datetime.combine(day + timedelta(days=1), report_settings().log_cutoff, zone)


def log_is_open(day: date, *, now: datetime | None = None) -> bool:
    today = brand_today(current_brand().time_zone)
    return day <= today and (now or timezone.now()) < log_closes_at(day)


@transaction.atomic
def log_save(
    *, person, day: date, done: str, plan: str, problems: str = "", customer_ids=(), now: datetime | None = None
) -> DailyLog:
    errors: dict[str, list[str]] = {}
    done, plan, problems = done.strip(), plan.strip(), problems.strip()
    if not done:
        errors["done"] = [_("请写下今天完成了什么。")]
    if not plan:
        errors["plan"] = [_("请写下明天的计划。")]
    customer_ids = set(customer_ids)
    owned = set(Customer.objects.filter(pk__in=customer_ids, owner=person).values_list("pk", flat=True))
    if customer_ids - owned:
        errors["customers"] = [_("只能选择自己名下的客户。")]
    if not log_is_open(day, now=now):
        errors["day"] = [
            _("%(day)s 的日报已在 %(closes)s 截止，不能再提交或修改。")
            % {"day": day.isoformat(), "closes": log_closes_at(day).strftime("%m-%d %H:%M")}
            if day <= brand_today(current_brand().time_zone)
            else _("不能提前填写以后的日报。")
        ]
    if errors:
        raise ValidationError(errors)
    log, _created = DailyLog.objects.update_or_create(
        person=person, day=day, defaults={"done": done, "plan": plan, "problems": problems}
    )
    log.customers.set(owned)
    return log


def log_comment(*, log: DailyLog, author, text: str) -> LogComment:
    if not can_comment(author, log):
        raise PermissionDenied(_("你不能批注这份日报。"))
    text = text.strip()
    if not text:
        raise ValidationError({"text": [_("批注不能为空。")]})
    return LogComment.objects.create(log=log, author=author, text=text)
