"""Messages to people through the brand's WeCom app (应用消息, as text cards): a high-severity
violation to the rep's lead, each manager's part of the daily report, and one reminder to the reps
who have not filed yesterday's log before the brand's cutoff.

Each message is an AppMessage row made once per purpose, subject and person, then sent by a task
that locks its row: a task run twice, or the sweep racing a retry, finds it sent. WeCom's own
duplicate check (the same request within DUPLICATE_CHECK_SECONDS is not delivered again) covers
the one gap left, a send whose answer was lost before the row was marked."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from apps.accounts.services import language_of
from apps.common.queue import send_on_commit_or_leave_to_sweep
from apps.compliance.models import Severity, Violation
from apps.compliance.selectors import most_severe_per_message
from apps.organisation.models import Team
from apps.organisation.selectors import leads_of
from apps.reports.models import DailyReport
from apps.reports.selectors import (
    Section,
    report_headlines,
    report_managers,
    report_view,
    reps_without_log,
)
from apps.reports.services.logs import log_closes_at
from apps.tenants.selectors import brand_url, current_brand
from apps.wecom.client import APP, WecomError, call, client_for
from apps.wecom.models import AppMessage, Connection, Member
from apps.wecom.selectors import connection_read

log = logging.getLogger(__name__)
User = get_user_model()

MAX_ATTEMPTS = 8
DUPLICATE_CHECK_SECONDS = 4 * 3600  # the longest WeCom allows
RESEND_LOST_AFTER = timedelta(minutes=15)  # longer than the task's longest back-off (10 min)
# WeCom's limits on a text card, in UTF-8 bytes.
TITLE_BYTES, DESCRIPTION_BYTES, BUTTON_CHARS = 128, 512, 4
# The recipient is not (or no longer) someone the app may message: sending again will not help.
UNREACHABLE = (40003, 81013)


class SendLater(Exception):
    """The message is still pending after this attempt: the task tries again later."""


@dataclass(frozen=True)
class Card:
    """A text card before it is fitted to WeCom's limits: lines are (style, plain text), the style
    one of WeCom's description classes (gray, normal, highlight)."""

    title: str
    lines: list[tuple[str, str]]
    url: str
    button: str


def _bytes_cut(text: str, limit: int) -> str:
    return text.encode()[:limit].decode(errors="ignore")


def _fitted(text: str, room: int) -> str:
    """`text` escaped, shortened with an ellipsis until it fits `room` bytes."""
    body = escape(text)
    if len(body.encode()) <= room:
        return body
    text = text[:room]
    while text and len((escape(text) + "…").encode()) > room:
        text = text[:-1]
    return escape(text) + "…" if text else ""


def card_description(lines: list[tuple[str, str]]) -> str:
    """The card's HTML: each line escaped (names and matched text are other people's words) and
    the whole within WeCom's 512 bytes, a long line shortened rather than the markup cut."""
    parts: list[str] = []
    room = DESCRIPTION_BYTES
    for style, text in lines:
        shell = f'<div class="{style}"></div>'
        body = _fitted(text, room - len(shell.encode()))
        if not body:
            break
        part = f'<div class="{style}">{body}</div>'
        parts.append(part)
        room -= len(part.encode())
    return "".join(parts)


MESSAGE_SETTINGS = ("alert_violations", "send_reports", "remind_logs", "log_reminder_lead")


@transaction.atomic
def message_settings_save(**values) -> None:
    """Which messages the brand's app sends, and how long before the log cutoff it reminds."""
    connection = Connection.objects.select_for_update().get(pk=1)
    for name in MESSAGE_SETTINGS:
        setattr(connection, name, values[name])
    connection.full_clean(
        exclude=[field.name for field in Connection._meta.fields if field.name not in MESSAGE_SETTINGS]
    )
    connection.save(update_fields=[*MESSAGE_SETTINGS, "updated_at"])


# --- making messages -----------------------------------------------------------------------------


def _reachable(people: QuerySet) -> QuerySet:
    """People the app can message: active, with a WeCom account that has not left."""
    return people.filter(is_active=True, wecom_member__isnull=False, wecom_member__left_at__isnull=True)


def messages_queue(*, purpose: str, key: str, cards: dict[int, Card]) -> int:
    """Make the messages not made yet for these people (who must have a WeCom account that has
    not left) and send each once the caller's transaction commits; answers how many were made."""
    if not cards:
        return 0
    userids = dict(
        Member.objects.filter(person_id__in=cards, left_at__isnull=True, person__is_active=True).values_list(
            "person_id", "userid"
        )
    )
    made = set(
        AppMessage.objects.filter(purpose=purpose, key=key, person_id__in=cards).values_list("person_id", flat=True)
    )
    rows = [
        AppMessage(
            purpose=purpose,
            key=key,
            person_id=person_id,
            userid=userids[person_id],
            title=_bytes_cut(card.title, TITLE_BYTES),
            description=card_description(card.lines),
            url=card.url,
            button=card.button[:BUTTON_CHARS],
        )
        for person_id, card in cards.items()
        if person_id in userids and person_id not in made
    ]
    if not rows:
        return 0
    AppMessage.objects.bulk_create(rows, ignore_conflicts=True)  # a racing run made some: theirs stand
    fresh = AppMessage.objects.filter(
        purpose=purpose, key=key, person_id__in=[row.person_id for row in rows], attempts=0
    ).values_list("pk", flat=True)
    for pk in fresh:
        _send_after_commit(pk)
    return len(rows)


def _send_after_commit(message_id: int) -> None:
    from apps.wecom.tasks import send_app_message

    send_on_commit_or_leave_to_sweep(send_app_message, message_id)


def violations_alert(violations) -> int:
    """Each message with a new high-severity hit to the lead of the rep who wrote it (the
    reviewer who knows them), with a link to its review page: one alert per message, as the
    review queue has one item per message."""
    connection = connection_read()
    if not (connection.active and connection.alert_violations):
        return 0
    high = most_severe_per_message(
        Violation.objects.filter(pk__in=[v.pk for v in violations], severity=Severity.HIGH).select_related(
            "rep", "rule", "message"
        )
    )
    leads = leads_of({violation.rep_id for violation in high})
    readers = {person.pk: person for person in _reachable(User.objects.filter(pk__in=leads.values()))}
    made = 0
    brand = current_brand()
    for violation in high:
        lead = readers.get(leads.get(violation.rep_id, 0))
        if lead is None:
            continue
        with translation.override(language_of(lead)):
            card = _violation_card(violation, brand)
        key = f"message:{violation.message_id}"  # a later rescan's hit on it is not news
        made += messages_queue(purpose=AppMessage.Purpose.VIOLATION, key=key, cards={lead.pk: card})
    return made


def _violation_card(violation: Violation, brand) -> Card:
    when = timezone.localtime(violation.message.sent_at, ZoneInfo(brand.time_zone))
    return Card(
        title=_("合规提醒：%(category)s（%(severity)s）")
        % {"category": violation.get_category_display(), "severity": violation.get_severity_display()},
        lines=[
            ("gray", when.strftime("%Y-%m-%d %H:%M")),
            ("normal", _("导购：%(name)s") % {"name": violation.rep.full_name}),
            ("highlight", _("命中：%(text)s") % {"text": violation.matched_text}),
            ("normal", _("规则：%(rule)s") % {"rule": violation.rule.name}),
        ],
        url=brand_url(brand, f"/compliance/violations/{violation.pk}/"),
        button=_("去审核"),
    )


def report_parts_send(report: DailyReport) -> int:
    """Each manager their own part of the day's report: the brand's for admins and ops managers,
    the team they lead for a lead."""
    connection = connection_read()
    if not (connection.active and connection.send_reports):
        return 0
    brand = current_brand()
    led: dict[int, set[int]] = {}
    for team_id, leader_id in Team.objects.filter(leader__isnull=False).values_list("pk", "leader_id"):
        led.setdefault(leader_id, set()).add(team_id)
    cards = {}
    for person in _reachable(report_managers()):
        with translation.override(language_of(person)):
            view = report_view(report, person)
            section = view.brand or next((team for team in view.teams if team.id in led.get(person.pk, ())), None)
            if section is not None:
                cards[person.pk] = _report_card(report, section, brand)
    return messages_queue(purpose=AppMessage.Purpose.REPORT, key=report.day.isoformat(), cards=cards)


def _report_card(report: DailyReport, section: Section, brand) -> Card:
    lines = [("gray", section.name or brand.name)]
    lines += [("normal", f"{name}：{value}") for name, value in report_headlines(section, brand.currency)]
    missing = len(section.missing_logs) if section.kind == "team" else len(report.data["brand"]["missing_logs"])
    lines.append(
        (
            "highlight" if missing or section.violations.get("new") else "normal",
            _("新增违规 %(violations)s · 未交日报 %(missing)s 人")
            % {"violations": section.violations.get("new", 0), "missing": missing},
        )
    )
    return Card(
        title=_("数据日报 %(day)s") % {"day": report.day.isoformat()},
        lines=lines,
        url=brand_url(brand, f"/reports/{report.day.isoformat()}/"),
        button=_("查看日报"),
    )


def log_day_due(now: datetime, lead_minutes: int) -> date | None:
    """The day whose log closes within `lead_minutes` from now (at the brand's cutoff the next
    day), else None. A cutoff just after midnight puts the window on the evening before."""
    today = now.astimezone(ZoneInfo(current_brand().time_zone)).date()
    for day in (today - timedelta(days=1), today):
        closes = log_closes_at(day)
        if closes - timedelta(minutes=lead_minutes) <= now < closes:
            return day
    return None


def log_reminders_when_due(*, now: datetime | None = None) -> int:
    """One reminder per rep and day to those who have not filed the day's log, sent in the window
    before the brand's cutoff (asked every minute; the rows make it once)."""
    connection = connection_read()
    if not (connection.active and connection.remind_logs):
        return 0
    day = log_day_due(now or timezone.now(), connection.log_reminder_lead)
    if day is None:
        return 0
    brand, closes = current_brand(), log_closes_at(day).strftime("%m-%d %H:%M")
    day_ends = datetime.combine(day + timedelta(days=1), time(0), tzinfo=ZoneInfo(brand.time_zone))
    already = AppMessage.objects.filter(purpose=AppMessage.Purpose.LOG_REMINDER, key=day.isoformat()).values(
        "person_id"
    )
    reps = _reachable(reps_without_log(day, joined_before=day_ends)).exclude(pk__in=already)
    cards = {}
    for rep in reps:
        with translation.override(language_of(rep)):
            cards[rep.pk] = Card(
                title=_("请填写 %(day)s 的员工日报") % {"day": day.isoformat()},
                lines=[
                    ("normal", _("你还没有提交 %(day)s 的员工日报。") % {"day": day.isoformat()}),
                    ("highlight", _("%(closes)s 截止，之后不能再提交。") % {"closes": closes}),
                ],
                url=brand_url(brand, f"/logs/?day={day.isoformat()}"),
                button=_("去填写"),
            )
    return messages_queue(purpose=AppMessage.Purpose.LOG_REMINDER, key=day.isoformat(), cards=cards)


# --- sending -------------------------------------------------------------------------------------


def _payload(connection, message: AppMessage) -> dict:
    return {
        "touser": message.userid,
        "msgtype": "textcard",
        "agentid": int(connection.agent_id),
        "textcard": {
            "title": message.title,
            "description": message.description,
            "url": message.url,
            "btntxt": message.button,
        },
        "enable_duplicate_check": 1,
        "duplicate_check_interval": DUPLICATE_CHECK_SECONDS,
    }


def message_send(*, message_id: int) -> str:
    """Send one message unless it is sent or given up, and answer its status; SendLater when it
    is still pending after this attempt. Its row stays locked while WeCom answers, so a second
    task waits and then finds it sent."""
    with transaction.atomic():
        message = AppMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status != AppMessage.Status.PENDING:
            return message.status if message else "gone"
        connection = connection_read()
        message.attempts += 1
        message.attempted_at = timezone.now()
        if not connection.active:
            message.status, message.last_error = AppMessage.Status.FAILED, _("企业微信已断开，消息未发送。")
        else:
            _attempt(connection, message)
        message.save(update_fields=["attempts", "attempted_at", "status", "last_error", "msgid", "sent_at"])
    if message.status == AppMessage.Status.PENDING:
        raise SendLater(message.last_error)
    return message.status


def _attempt(connection, message: AppMessage) -> None:
    try:
        answer = call(client_for(connection, APP), "post", "message/send", data=_payload(connection, message))
    except WecomError as error:
        log.warning("wecom message %s: %s", message.pk, error)
        if error.errcode in UNREACHABLE:
            message.status, message.last_error = AppMessage.Status.FAILED, _unreachable_text()
        else:
            message.last_error = error.advice[:500]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = AppMessage.Status.FAILED
        return
    invalid = {userid.lower() for userid in str(answer.get("invaliduser") or "").split("|") if userid}
    if message.userid.lower() in invalid:
        message.status, message.last_error = AppMessage.Status.FAILED, _unreachable_text()
        return
    message.status, message.last_error = AppMessage.Status.SENT, ""
    message.msgid, message.sent_at = str(answer.get("msgid") or "")[:128], timezone.now()


def _unreachable_text() -> str:
    return _("企业微信里找不到这位成员，或成员不在自建应用的可见范围内（invaliduser）。")


def messages_lost_resend(*, now: datetime | None = None) -> int:
    """The sweep: pending messages whose task was lost (never tried, or not retried within the
    longest back-off) are sent again."""
    now = now or timezone.now()
    lost = AppMessage.objects.filter(status=AppMessage.Status.PENDING).filter(
        Q(attempted_at__isnull=True, created_at__lt=now - timedelta(minutes=2))
        | Q(attempted_at__lt=now - RESEND_LOST_AFTER)
    )
    ids = list(lost.values_list("pk", flat=True)[:500])
    for pk in ids:
        _send_after_commit(pk)
    return len(ids)


# --- what the apps below tell us -----------------------------------------------------------------


def on_violations_found(sender, violations, **kwargs) -> None:
    violations_alert(violations)


def on_report_ready(sender, report, **kwargs) -> None:
    report_parts_send(report)
