"""Talking to WeCom's API: wechatpy's enterprise client, pointed at the one base URL settings
give (WeCom itself, or the simulator for the demo and the tests), its access tokens kept in
Redis per brand and secret, rate limits waited out, and every refusal turned into a WecomError
that says in plain Chinese what to fix.

Each secret has its own token: the self-built app's (members, departments, messages) and the
customer-contact secret's (external contacts, groups, contact ways)."""

from __future__ import annotations

import hashlib
import logging
import time
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wechatpy.enterprise import WeChatClient
from wechatpy.exceptions import WeChatClientException
from wechatpy.session.redisstorage import RedisStorage

from apps.common import outbound
from apps.common.redis import client as redis_client
from apps.common.schemas import current_schema
from apps.common.sealed import unseal

log = logging.getLogger(__name__)

APP, CONTACT = "app", "contact"
RATE_LIMITED = (45009, 45033)  # too frequent; too many at once
WAIT_SECONDS = (1, 2, 4, 8)

# WeCom's errcodes a brand admin can do something about, in the words of the fix.
ERRCODE_TEXT = {
    40001: gettext_lazy("Secret 不对（或已被重置）：请到企业微信管理后台对应应用的详情页重新查看并复制。"),
    40013: gettext_lazy("企业 ID（CorpID）不对：请到企业微信管理后台「我的企业」页底部复制。"),
    40056: gettext_lazy("AgentId 不对：请到自建应用的详情页复制。"),
    60020: gettext_lazy("本平台服务器的 IP 不在应用的「企业可信 IP」里：请在应用详情页添加后再试。"),
    48002: gettext_lazy("这个 Secret 没有调用该接口的权限：客户与客户群相关的接口要用「客户联系」的 Secret。"),
    60011: gettext_lazy("应用的可见范围不包含这些成员或部门：请在应用详情页调整可见范围。"),
    45009: gettext_lazy("调用太频繁，超过了企业微信的频率限制，请稍后再试。"),
    45033: gettext_lazy("并发调用太多，超过了企业微信的限制，请稍后再试。"),
    42001: gettext_lazy("access_token 已过期。"),
    40014: gettext_lazy("access_token 无效。"),
}


class WecomError(Exception):
    def __init__(self, errcode: int | None, errmsg: str = ""):
        super().__init__(f"{errcode}: {errmsg}")
        self.errcode, self.errmsg = errcode, errmsg

    @property
    def advice(self) -> str:
        known = ERRCODE_TEXT.get(self.errcode or 0)
        if known is not None:
            return str(known)
        if self.errcode is None:
            return _("连不上企业微信（%(detail)s）。") % {"detail": self.errmsg or _("网络错误")}
        return _("企业微信返回错误码 %(code)s：%(message)s") % {"code": self.errcode, "message": self.errmsg}


def api_base(connection) -> str:
    return (settings.WECOM_SIMULATOR_URL if connection.simulated else settings.WECOM_API_BASE).rstrip("/")


class _Client(WeChatClient):
    """wechatpy's client with the base URL we choose (its token fetch names WeCom's host), and a
    token key that carries the brand and a digest of the secret, never the secret."""

    def __init__(self, *, base: str, corp_id: str, secret: str, kind: str):
        self._base, self._kind = base, kind
        storage = RedisStorage(redis_client(), prefix=f"wecom:{settings.DATABASES['default']['NAME']}")
        super().__init__(corp_id, secret, session=storage, timeout=settings.WECOM_TIMEOUT_SECONDS)
        self.API_BASE_URL = f"{base}/cgi-bin/"

    @property
    def access_token_key(self) -> str:
        digest = hashlib.sha256(self.secret.encode()).hexdigest()[:16]
        return f"{current_schema()}:{self._kind}:{self.corp_id}:{digest}"

    def fetch_access_token(self):
        return self._fetch_access_token(
            url=f"{self._base}/cgi-bin/gettoken", params={"corpid": self.corp_id, "corpsecret": self.secret}
        )


def client_for(connection, kind: str) -> _Client:
    secret = unseal(connection.app_secret if kind == APP else connection.contact_secret)
    return _Client(base=api_base(connection), corp_id=connection.corp_id, secret=secret, kind=kind)


def call(client: _Client, method: str, path: str, **kwargs: Any) -> dict:
    """One API call; rate limits are waited out (1, 2, 4, 8 s), anything else is a WecomError.
    (An expired or invalid token is fetched again by wechatpy itself.)"""
    for wait in (*WAIT_SECONDS, None):
        try:
            return client.get(path, **kwargs) if method == "get" else client.post(path, **kwargs)
        except WeChatClientException as error:
            if error.errcode in RATE_LIMITED and wait is not None:
                log.info("wecom %s rate-limited (%s): waiting %s s", path, error.errcode, wait)
                time.sleep(wait)
                continue
            raise WecomError(error.errcode, str(error.errmsg or "")) from None
        except OSError as error:  # requests' connection errors are OSErrors
            raise WecomError(None, type(error).__name__) from None
    raise AssertionError("unreachable")


def token_check(connection, kind: str) -> None:
    """Fetch a fresh token with this secret: WecomError says what is wrong with it."""
    client = client_for(connection, kind)
    try:
        client.fetch_access_token()
    except WeChatClientException as error:
        raise WecomError(error.errcode, str(error.errmsg or "")) from None
    except OSError as error:
        raise WecomError(None, type(error).__name__) from None


MAX_QR_BYTES = 1024 * 1024


def qr_image(connection, url: str) -> bytes:
    """A contact way's QR image, fetched from where WeCom keeps it (the simulator's own host for
    a simulated connection, which is then allowed to be a local address)."""
    simulated = connection.simulated and url.startswith(f"{api_base(connection)}/")
    try:
        answer = outbound.request(
            "GET", url, timeout=settings.WECOM_TIMEOUT_SECONDS, max_bytes=MAX_QR_BYTES, allow_private=simulated
        )
    except (outbound.AddressRefused, OSError) as error:
        raise WecomError(None, type(error).__name__) from None
    if answer.status != 200 or not answer.content_type.startswith("image/"):
        raise WecomError(None, f"HTTP {answer.status}")
    return answer.body
