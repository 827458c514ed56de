"""WeCom's two sign-in pages as the simulator shows them: OAuth inside the WeCom app
(open.weixin.qq.com/connect/oauth2/authorize) and the desktop QR login
(login.work.weixin.qq.com/wwlogin/sso/login). Real WeCom knows who holds the phone; here the
page asks who it is (any member, or a WeChat user outside the corp), then sends the browser to
redirect_uri with a one-time code and the state, as WeCom does."""

from __future__ import annotations

from html import escape
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from apps.wecom.simulator.corp import Corp

PATHS = ("/connect/oauth2/authorize", "/wwlogin/sso/login")
STRANGER = "__stranger__"


def page(corp: Corp, path: str, query: str) -> tuple[int, str]:
    """The page for GET: who signs in (or why the request is wrong)."""
    params = dict(parse_qsl(query))
    problem = _problem(corp, path, params)
    if problem:
        return 400, _html(f"<p>{escape(problem)}</p>")
    hidden = "".join(
        f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">'
        for k, v in params.items()
        if k in ("appid", "agentid", "redirect_uri", "state", "scope", "response_type", "login_type")
    )
    people = [m for m in sorted(corp.members.values(), key=lambda m: m.userid) if m.status == 1]
    buttons = "".join(
        f'<button name="who" value="{escape(m.userid)}">{escape(m.name)} <small>{escape(m.userid)}</small></button>'
        for m in people
    )
    title = "企业微信授权登录" if path == PATHS[0] else "企业微信扫码登录"
    return 200, _html(
        f"<h1>{title}（模拟器）</h1><p>以谁的企业微信登录？</p>"
        f'<form method="post" action="{escape(path)}">{hidden}{buttons}'
        f'<button name="who" value="{STRANGER}" class="other">企业外的微信用户</button></form>'
    )


def signed_in(corp: Corp, path: str, form: str) -> tuple[int, str]:
    """POST: the chosen person signed in; where WeCom sends the browser (or a 400 page)."""
    params = dict(parse_qsl(form))
    problem = _problem(corp, path, params)
    who = params.get("who", "")
    if not problem and who != STRANGER and who not in corp.members:
        problem = "no such member"
    if problem:
        return 400, problem
    code = corp.sign_in_code(None if who == STRANGER else who)
    target = urlsplit(params["redirect_uri"])
    query = urlencode([*parse_qsl(target.query), ("code", code), ("state", params.get("state", ""))])
    return 302, urlunsplit((target.scheme, target.netloc, target.path, query, ""))


def _problem(corp: Corp, path: str, params: dict) -> str:
    if params.get("appid") != corp.corp_id:
        return "appid 错误（应为企业的 CorpID）"
    if path == PATHS[1] and (params.get("login_type") != "CorpApp" or params.get("agentid") != corp.agent_id):
        return "login_type 应为 CorpApp，agentid 应为自建应用的 AgentId"
    if not params.get("redirect_uri", "").startswith(("http://", "https://")):
        return "redirect_uri 错误"
    return ""


def _html(body: str) -> str:
    return (
        '<!doctype html><html lang="zh-hans"><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><title>企业微信（模拟器）</title>'
        "<style>body{font-family:sans-serif;max-width:30rem;margin:2rem auto;padding:0 1rem}"
        "button{display:block;width:100%;margin:.5rem 0;padding:.8rem;font-size:1rem;background:#07c160;"
        "color:#fff;border:0;border-radius:.4rem}button.other{background:#888}</style>"
        f"{body}</html>"
    )
