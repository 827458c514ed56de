"""High-severity violations pushed to the brand's WeCom group robot (markdown message), off the
ingestion path: the task retries with back-off and every attempt is recorded."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.common.wecom import DeliveryFailed, markdown, markdown_text, robot_post, webhook_url_check
from apps.compliance.models import Violation, WebhookDelivery
from apps.compliance.services.scanning import compliance_settings
from apps.tenants.selectors import brand_url, current_brand


def markdown_for(violation: Violation) -> dict:
    link = brand_url(current_brand(), f"/compliance/violations/{violation.pk}/")
    content = "\n".join(
        [
            f'**{_("合规提醒")}** <font color="warning">{violation.get_severity_display()} · '
            f"{violation.get_category_display()}</font>",
            f"> {_('导购')}：{markdown_text(violation.rep.full_name)}",
            f"> {_('命中')}：{markdown_text(violation.matched_text)}",
            f"> {_('规则')}：{markdown_text(violation.rule.name)}（{markdown_text(violation.reason_text)}）",
            f"[{_('查看并审核')}]({link})",
        ]
    )
    return markdown(content)


def violation_notify(*, violation_id: int) -> bool:
    """Push one violation; True when delivered (or already), DeliveryFailed for the task to retry."""
    settings = compliance_settings()
    violation = Violation.objects.select_related("rep", "rule").get(pk=violation_id)
    delivery, _created = WebhookDelivery.objects.get_or_create(violation=violation)
    if delivery.delivered_at or not settings.webhook_url:
        return bool(delivery.delivered_at)
    try:
        robot_post(settings.webhook_url, markdown_for(violation))
    except DeliveryFailed as error:
        with transaction.atomic():
            WebhookDelivery.objects.filter(pk=delivery.pk).update(
                attempts=delivery.attempts + 1, last_error=str(error)[:500]
            )
        raise DeliveryFailed(str(error)) from error
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        attempts=delivery.attempts + 1, last_error="", delivered_at=timezone.now()
    )
    return True


def webhook_test(*, url: str) -> None:
    """Send a test message now, so an admin knows the address works."""
    webhook_url_check(url)
    robot_post(url, {"msgtype": "text", "text": {"content": _("私域运营平台：合规提醒的测试消息。")}})
