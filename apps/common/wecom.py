"""Posting to a WeCom (企业微信) group robot: the address checked so that a brand cannot point the
platform into its own network, a JSON body, WeCom's error codes read as failures."""

from __future__ import annotations

import ipaddress
import json
import socket
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

TIMEOUT_SECONDS = 5


class DeliveryFailed(Exception):
    pass


def webhook_url_check(url: str) -> None:
    """http(s) only, and (unless allowed in settings) not into the platform's own network."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError({"webhook_url": _("Webhook 地址应以 https:// 开头。")})
    if settings.WEBHOOK_ALLOW_PRIVATE_HOSTS:
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, None)}
    except OSError:
        raise ValidationError({"webhook_url": _("无法解析这个域名。")}) from None
    if any(not ipaddress.ip_address(address).is_global for address in addresses):
        raise ValidationError({"webhook_url": _("Webhook 不能指向内网地址。")})


def robot_post(url: str, body: dict) -> None:
    """Send one message; DeliveryFailed when the network, the robot or the address says no."""
    try:
        webhook_url_check(url)
    except ValidationError as error:
        raise DeliveryFailed(" ".join(error.messages)) from error
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


def markdown(content: str) -> dict:
    return {"msgtype": "markdown", "markdown": {"content": content}}
