"""Daily reports: generated at each brand's own local hour for its previous day, stored (a second
generation replaces the first), regenerated when late data arrives, delivered once by email and
to the brand's WeCom robot, every delivery recorded and retried."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.accounts.services import language_of
from apps.common.periods import brand_today
from apps.common.signals import tell
from apps.common.wecom import DeliveryFailed, markdown, markdown_text, robot_post, webhook_url_check
from apps.kpis.selectors.metrics import first_data_day
from apps.organisation.models import Team
from apps.organisation.roles import Role
from apps.reports.models import DailyReport, ReportDelivery, ReportSettings
from apps.reports.selectors import report_brand_section, report_headlines, report_settings, report_view
from apps.reports.services.build import report_build
from apps.reports.signals import report_ready
from apps.tenants.selectors import brand_url, current_brand

log = logging.getLogger(__name__)
STALE_WINDOW_DAYS = 31  # late data older than this leaves old reports as they were


def report_generate(*, day: date) -> DailyReport:
    """Build the day's report and store it, replacing an earlier generation."""
    brand = current_brand()
    if day >= brand_today(brand.time_zone):
        raise ValidationError(_("只能生成已经过去的日子的日报。"))
    data = report_build(day=day, time_zone=brand.time_zone)
    now = timezone.now()
    with transaction.atomic():
        report, created = DailyReport.objects.select_for_update().get_or_create(
            day=day, defaults={"data": data, "generated_at": now}
        )
        if not created:
            report.data, report.generated_at, report.stale = data, now, False
            report.generations += 1
            report.save(update_fields=["data", "generated_at", "stale", "generations"])
    return report


def figures_changed(*, member_ids, days) -> None:
    """The KPI engine's listener: late data for a reported day makes its report stale."""
    today = brand_today(current_brand().time_zone)
    past = [day for day in days if today - timedelta(days=STALE_WINDOW_DAYS) <= day < today]
    if past:
        DailyReport.objects.filter(day__in=past, stale=False).update(stale=True)


def report_settings_update(**values) -> ReportSettings:
    settings = report_settings()
    if values.get("webhook_url"):
        webhook_url_check(values["webhook_url"])
    for name, value in values.items():
        setattr(settings, name, value)
    settings.full_clean()
    settings.save()
    return settings


# --- the schedule -------------------------------------------------------------------------------


def report_due(*, now: datetime | None = None) -> date | None:
    """Yesterday (brand-local), once the brand's send time has passed and it has not gone out;
    never a day before the brand existed, unless it brought data of that day with it (a brand
    signed up at 09:09 has no yesterday to report on)."""
    brand = current_brand()
    time_zone = ZoneInfo(brand.time_zone)
    local = (now or timezone.now()).astimezone(time_zone)
    if local.time() < report_settings().send_at:
        return None
    yesterday = local.date() - timedelta(days=1)
    began = brand.created_at.astimezone(time_zone).date()
    if yesterday < began and not (first_data_day() or began) <= yesterday:
        return None
    if DailyReport.objects.filter(day=yesterday, delivered_at__isnull=False).exists():
        return None
    return yesterday


def reports_run_schedule(*, now: datetime | None = None) -> dict:
    """Beat asks every brand every minute: the report due is generated and sent once; reports
    late data made stale are regenerated (and not sent again)."""
    from apps.reports.tasks import deliver_report

    generated: str | None = None
    regenerated: list[str] = []
    due = report_due(now=now)
    if due is not None:
        report = report_generate(day=due)
        with transaction.atomic():
            claimed = DailyReport.objects.filter(pk=report.pk, delivered_at__isnull=True).update(
                delivered_at=timezone.now()
            )
        if claimed:  # two sweeps racing deliver once
            deliver_report.delay(report.pk)
            tell(report_ready, DailyReport, report=report)
        generated = due.isoformat()
    for day in DailyReport.objects.filter(stale=True).order_by("-day").values_list("day", flat=True):
        report_generate(day=day)
        regenerated.append(day.isoformat())
    return {"generated": generated, "regenerated": regenerated}


# --- delivery -----------------------------------------------------------------------------------


def _recipients(settings: ReportSettings) -> list[tuple[str, str, Any]]:
    """(channel, address, person) for everyone the brand sends the report to."""
    people = get_user_model().objects.filter(is_active=True).exclude(email="")
    chosen: dict[int, Any] = {}
    if settings.email_managers:
        for person in people.filter(roles__overlap=[Role.BRAND_ADMIN, Role.OPS_MANAGER]):
            chosen[person.pk] = person
    if settings.email_team_leads:
        for person in people.filter(pk__in=Team.objects.values("leader_id")):
            chosen[person.pk] = person
    if settings.email_reps:
        for person in people.filter(roles__contains=[Role.SALES_REP]):
            chosen[person.pk] = person
    recipients: list[tuple[str, str, Any]] = [
        (ReportDelivery.Channel.EMAIL, person.email, person) for person in chosen.values()
    ]
    if settings.webhook_url:
        recipients.append((ReportDelivery.Channel.WECOM, "wecom", None))
    return recipients


def _email(report: DailyReport, person) -> EmailMultiAlternatives:
    with translation.override(language_of(person)):  # each reader's own language
        return _email_composed(report, person)


def _email_composed(report: DailyReport, person) -> EmailMultiAlternatives:
    brand = current_brand()
    view = report_view(report, person)
    context = {
        "view": view,
        "brand": brand,
        "person": person,
        "link": brand_url(brand, f"/reports/{report.day.isoformat()}/"),
        "currency": brand.currency,
    }
    subject = _("【%(brand)s】数据日报 %(day)s") % {"brand": brand.name, "day": report.day.isoformat()}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("reports/email.txt", context),
        from_email=django_settings.DEFAULT_FROM_EMAIL,
        to=[person.email],
    )
    message.attach_alternative(render_to_string("reports/email.html", context), "text/html")
    return message


def _robot_summary(report: DailyReport) -> dict:
    brand = current_brand()
    lines = [f"**{_('数据日报')} {report.day.isoformat()}** · {markdown_text(brand.name)}"]
    for name, value in report_headlines(report_brand_section(report), brand.currency):
        lines.append(f"> {markdown_text(name)}：{markdown_text(value)}")
    missing = len(report.data["brand"]["missing_logs"])
    violations = report.data["brand"]["violations"]
    lines.append(f"> {_('新增违规')}：{violations['new']} · {_('未交日报')}：{missing}")
    lines.append(f"[{_('查看完整日报')}]({brand_url(brand, f'/reports/{report.day.isoformat()}/')})")
    return markdown("\n".join(lines))


def report_deliver(*, report_id: int) -> dict:
    """Send to every recipient not yet reached; DeliveryFailed (for the task to retry) if any
    failed. The report stays readable in the app whatever happens here."""
    report = DailyReport.objects.get(pk=report_id)
    settings = report_settings()
    sent, failed = 0, []
    with translation.override(django_settings.LANGUAGE_CODE):
        for channel, recipient, person in _recipients(settings):
            delivery, _created = ReportDelivery.objects.get_or_create(
                report=report, channel=channel, recipient=recipient, defaults={"person": person}
            )
            if delivery.sent_at is not None:
                continue
            delivery.attempts += 1
            try:
                if channel == ReportDelivery.Channel.EMAIL:
                    _email(report, person).send()
                else:
                    robot_post(settings.webhook_url, _robot_summary(report))
            except (DeliveryFailed, OSError) as error:
                delivery.last_error = str(error)[:500]
                failed.append(recipient)
                log.warning("daily report %s to %s failed: %s", report.day, recipient, error)
            else:
                delivery.sent_at, delivery.last_error = timezone.now(), ""
                sent += 1
            delivery.save(update_fields=["attempts", "last_error", "sent_at"])
    if failed:
        raise DeliveryFailed(", ".join(failed))
    return {"sent": sent}
