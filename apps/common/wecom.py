"""Posting to a WeCom (企业微信) group robot through the outbound guard (apps.common.outbound), a
JSON body, WeCom's error codes read as failures. What a failure says is ours: the target's own
answer is never shown to the person who typed its address."""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.common import outbound

log = logging.getLogger(__name__)

# The robot's documented refusals worth a sentence of their own; others are shown by number.
_ERRCODES = {
    93000: gettext_lazy("机器人地址无效，可能已被移出群聊，请重新复制 Webhook 地址。"),
    45009: gettext_lazy("发送太频繁，企业微信限制每个机器人每分钟 20 条。"),
}


class DeliveryFailed(Exception):
    pass


def _refusal(reason: str) -> str:
    return {
        "scheme": _("Webhook 地址应以 https:// 开头。"),
        "unresolvable": _("无法解析这个域名。"),
        "private": _("Webhook 不能指向内网地址。"),
    }[reason]


def webhook_url_check(url: str) -> None:
    """http(s) only, and (unless allowed in settings) not into the platform's own network."""
    try:
        outbound.url_check(url)
    except outbound.AddressRefused as error:
        raise ValidationError({"webhook_url": _refusal(str(error))}) from None


def robot_post(url: str, body: dict) -> None:
    """Send one message; DeliveryFailed when the network, the robot or the address says no."""
    try:
        answer = outbound.post_json(
            url, json.dumps(body, ensure_ascii=False).encode(), timeout=settings.WEBHOOK_TIMEOUT_SECONDS
        )
    except outbound.AddressRefused as error:
        raise DeliveryFailed(_refusal(str(error))) from error
    except TimeoutError as error:
        raise DeliveryFailed(_("%(seconds)s 秒内没有应答。") % {"seconds": settings.WEBHOOK_TIMEOUT_SECONDS}) from error
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise DeliveryFailed(_("无法连接到这个地址（%(reason)s）。") % {"reason": reason}) from error
    if 300 <= answer.status < 400:
        raise DeliveryFailed(
            _("对方要求跳转到别的地址（HTTP %(status)s），为安全起见不跟随。") % {"status": answer.status}
        )
    if answer.status != 200:
        raise DeliveryFailed(_("对方应答 HTTP %(status)s。") % {"status": answer.status})
    try:
        reply = json.loads(answer.body or b"{}")
        errcode = int(reply.get("errcode", 0))
    except (ValueError, TypeError, AttributeError):
        raise DeliveryFailed(_("应答不是企业微信机器人的格式，请检查地址。")) from None
    if errcode != 0:  # WeCom answers 200 with an error code on a bad key
        log.warning("robot refused: errcode %s, errmsg %r", errcode, str(reply.get("errmsg", ""))[:200])
        known = _ERRCODES.get(errcode)
        raise DeliveryFailed(str(known) if known else _("企业微信返回错误码 %(code)s。") % {"code": errcode})


# WeCom's markdown is a small subset (headings, **bold**, [links](…), `code`, > quotes,
# <font color>, <@userid> mentions) with no escape character: people's text gets the full-width
# forms of its syntax characters instead, which read the same to a Chinese reader and mean nothing.
_MARKDOWN_INERT = str.maketrans(
    {"[": "［", "]": "］", "(": "（", ")": "）", "<": "＜", ">": "＞", "*": "＊", "`": "｀", "#": "＃"}
)


def markdown_text(value: object) -> str:
    """Text from people (names, a matched phrase) as plain words inside a robot's markdown: one
    line, no link, no colour, no mention, no heading or quote of its own."""
    return " ".join(str(value).split()).translate(_MARKDOWN_INERT)


def markdown(content: str) -> dict:
    return {"msgtype": "markdown", "markdown": {"content": content}}
