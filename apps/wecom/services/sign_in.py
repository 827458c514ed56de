"""Signing in with WeCom: inside the WeCom app by OAuth (snsapi_base, silent), on a desktop by
WeCom's QR login. Both send the browser back with a one-time code, which the self-built app's
token turns into the member's userid (auth/getuserinfo); the member must be one of this brand's
people, still working here. The state we send is bound to the browser's session, so a code
cannot be planted from elsewhere."""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from django.conf import settings
from django.utils.translation import gettext as _

from apps.wecom import client
from apps.wecom.models import Connection, Member

IN_APP_MARK = "wxwork"  # WeCom's browser names itself so in its User-Agent


class SignInRefused(Exception):
    """Shown to the person as it is, with a way to sign in by password instead."""


def sign_in_available() -> Connection | None:
    connection = Connection.objects.filter(pk=1).first()
    return connection if connection is not None and connection.active and connection.agent_id else None


def in_wecom(user_agent: str) -> bool:
    return IN_APP_MARK in user_agent.lower()


def new_state() -> str:
    return secrets.token_urlsafe(24)


def sign_in_url(connection: Connection, *, back_to: str, state: str, inside_app: bool) -> str:
    """Where the browser goes to sign in: WeCom's OAuth page inside the app, its QR login elsewhere."""
    simulated = settings.WECOM_SIMULATOR_URL.rstrip("/") if connection.simulated else None
    if inside_app:
        query = urlencode(
            {
                "appid": connection.corp_id,
                "redirect_uri": back_to,
                "response_type": "code",
                "scope": "snsapi_base",
                "state": state,
                "agentid": connection.agent_id,
            }
        )
        return f"{simulated or settings.WECOM_OAUTH_BASE}/connect/oauth2/authorize?{query}#wechat_redirect"
    query = urlencode(
        {
            "login_type": "CorpApp",
            "appid": connection.corp_id,
            "agentid": connection.agent_id,
            "redirect_uri": back_to,
            "state": state,
        }
    )
    return f"{simulated or settings.WECOM_WEB_LOGIN_BASE}/wwlogin/sso/login?{query}"


def person_for_code(connection: Connection, code: str):
    """The brand's person WeCom says signed in; SignInRefused when there is none to sign in."""
    if not code or len(code) > 512:
        raise SignInRefused(_("企业微信没有返回登录凭证，请重新登录。"))
    try:
        app = client.client_for(connection, client.APP)
        answer = client.call(app, "get", "auth/getuserinfo", params={"code": code})
    except client.WecomError as error:
        if error.errcode == 40029:
            raise SignInRefused(_("登录凭证已失效（只能用一次，5 分钟内有效），请重新登录。")) from None
        raise SignInRefused(error.advice) from None
    userid = str(answer.get("userid") or answer.get("UserId") or "")
    member = Member.objects.select_related("person").filter(userid=userid).first() if userid else None
    if member is None:
        raise SignInRefused(
            _(
                "这个企业微信账号不是本品牌的成员，不能登录。如果你是本品牌的员工，请管理员把你加入企业微信通讯录后同步。"
            )
        )
    if member.left_at is not None or not member.person.is_active:
        raise SignInRefused(_("你的账号已停用，不能登录。如有疑问请联系管理员。"))
    return member.person
