"""High-severity violations pushed to the brand's WeCom group robot (markdown message), off the
ingestion path: the task retries with back-off and every attempt is recorded."""

from __future__ import annotations

import ipaddress
import json
import socket
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.compliance.models import Violation, WebhookDelivery
from apps.compliance.services.scanning import compliance_settings
from apps.tenants.selectors import brand_url, current_brand

TIMEOUT_SECONDS = 5


class DeliveryFailed(Exception):
    pass


def webhook_url_check(url: str) -> None:
    """http(s) only, and (unless allowed in settings) not into the platform's own network."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError({"webhook_url": _("Webhook 地址应以 https:// 开头。")})
    if django_settings.WEBHOOK_ALLOW_PRIVATE_HOSTS:
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, None)}
    except OSError:
        raise ValidationError({"webhook_url": _("无法解析这个域名。")}) from None
    if any(not ipaddress.ip_address(address).is_global for address in addresses):
        raise ValidationError({"webhook_url": _("Webhook 不能指向内网地址。")})


def markdown_for(violation: Violation) -> dict:
    link = brand_url(current_brand(), f"/compliance/violations/{violation.pk}/")
    content = "\n".join(
        [
            f'**{_("合规提醒")}** <font color="warning">{violation.get_severity_display()} · '
            f"{violation.get_category_display()}</font>",
            f"> {_('导购')}：{violation.rep.full_name}",
            f"> {_('命中')}：{violation.matched_text}",
            f"> {_('规则')}：{violation.rule.name}（{violation.reason_text}）",
            f"[{_('查看并审核')}]({link})",
        ]
    )
    return {"msgtype": "markdown", "markdown": {"content": content}}


def _post(url: str, body: dict) -> None:
    request = urllib.request.Request(  # noqa: S310 (webhook_url_check allows http(s) only)
        url,
        data=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (checked above)
            answer = json.loads(response.read() or b"{}")
    except (OSError, ValueError) as error:
        raise DeliveryFailed(str(error)) from error
    if answer.get("errcode", 0) != 0:  # WeCom answers 200 with an error code on a bad key
        raise DeliveryFailed(f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}")


def violation_notify(*, violation_id: int) -> bool:
    """Push one violation; True when delivered (or already), DeliveryFailed for the task to retry."""
    settings = compliance_settings()
    violation = Violation.objects.select_related("rep", "rule").get(pk=violation_id)
    delivery, _created = WebhookDelivery.objects.get_or_create(violation=violation)
    if delivery.delivered_at or not settings.webhook_url:
        return bool(delivery.delivered_at)
    try:
        webhook_url_check(settings.webhook_url)
        _post(settings.webhook_url, markdown_for(violation))
    except (DeliveryFailed, ValidationError) as error:
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
    _post(url, {"msgtype": "text", "text": {"content": _("私域运营平台：合规提醒的测试消息。")}})
