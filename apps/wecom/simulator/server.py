"""The simulator over real HTTP: `/cgi-bin/...` answered from a Corp, QR images of its contact
ways, and callbacks pushed to a brand's callback URL signed and encrypted with WeCom's own
algorithm (wechatpy's enterprise crypto: AES-256-CBC, SHA1 signature, corp id appended)."""

from __future__ import annotations

import http.client
import io
import json
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit
from xml.sax.saxutils import escape

import segno
from wechatpy.enterprise.crypto import WeChatCrypto

from apps.wecom.simulator import login
from apps.wecom.simulator.corp import ApiError, Contact, Corp, Group, Member


def qr_png(config_id: str) -> bytes:
    """A contact way's QR code, as WeCom draws one (it encodes a work.weixin.qq.com/ca/ link)."""
    out = io.BytesIO()
    segno.make(f"https://work.weixin.qq.com/ca/{config_id}", error="m").save(out, kind="png", scale=8, border=2)
    return out.getvalue()


def message_xml(corp: Corp, fields: dict) -> str:
    """A callback message as WeCom writes it: <xml> with ToUserName, CreateTime, MsgType event …"""
    body = {"ToUserName": corp.corp_id, "FromUserName": "sys", "CreateTime": int(time.time()), "MsgType": "event"}
    body.update(fields)
    parts = []
    for name, value in body.items():
        text = str(value) if isinstance(value, int) else f"<![CDATA[{value}]]>"
        parts.append(f"<{name}>{text}</{name}>")
    return "<xml>" + "".join(parts) + "</xml>"


class Simulator:
    """Start with `start()`; `base_url` is what a connection's API base points at."""

    def __init__(self, corp: Corp, *, host: str = "127.0.0.1", port: int = 0):
        self.corp = corp
        simulator = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                simulator._answer(self, "GET")

            def do_POST(self):
                simulator._answer(self, "POST")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://{host}:{self.server.server_port}"
        corp.base_url = self.base_url
        self.callback_url = ""  # the brand's callback URL (on the brand's host)
        self.callback_host = ""  # the Host header to send it with
        self.pushed: deque[tuple[int, str]] = deque(maxlen=1000)  # (status, body) of callbacks answered
        # How a pushed request reaches the brand: over HTTP to callback_url, unless a test hands
        # it to its own client: deliver(method, path_and_query, body, headers) -> (status, text).
        self.deliver: Callable[[str, str, bytes, dict], tuple[int, str]] | None = None

    def start(self) -> Simulator:
        # Polled every 50 ms: stop() waits for the next poll (0.5 s by default, once per test).
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- the API ---------------------------------------------------------------------------------

    def _answer(self, request: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(request.path)
        if parts.path.startswith("/qr/") and parts.path.endswith(".png") and method == "GET":
            config_id = parts.path.removeprefix("/qr/").removesuffix(".png")
            if config_id in self.corp.ways:
                self._send(request, 200, qr_png(config_id), "image/png")
            else:
                self._send(request, 404, b"not found", "text/plain")
            return
        if parts.path in login.PATHS:
            self._sign_in(request, method, parts)
            return
        if parts.path == "/_control/customer_adds" and method == "POST":
            self._control_add(request)
            return
        if parts.path == "/_control/messages" and method == "GET":  # what the app sent, latest last
            with self.corp.lock:
                self._json(request, {"sent": list(self.corp.sent)})
            return
        if not parts.path.startswith("/cgi-bin/"):
            self._send(request, 404, b"not found", "text/plain")
            return
        params = dict(parse_qsl(parts.query))
        body = {}
        if method == "POST":
            raw = request.rfile.read(int(request.headers.get("Content-Length") or 0))
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                self._json(request, {"errcode": 47001, "errmsg": "data format error"})
                return
        try:
            answer = self.corp.handle(method, parts.path.removeprefix("/cgi-bin/"), params, body)
        except ApiError as error:
            answer = {"errcode": error.errcode, "errmsg": error.errmsg}
        self._json(request, answer)

    def _control_add(self, request: BaseHTTPRequestHandler) -> None:
        """Not WeCom's: how a demo or a browser test makes a customer scan a code (`state`) or
        add a rep (`userid`) in the running simulator. Answers the push's outcome."""
        order = json.loads(request.rfile.read(int(request.headers.get("Content-Length") or 0)) or b"{}")
        state = str(order.get("state") or "")
        way = next((w for w in self.corp.ways.values() if w["state"] == state), None)
        userid = str(order.get("userid") or (way["user"][0] if way else ""))
        contact = Contact(f"wm{secrets.token_hex(15)}", str(order.get("name") or "扫码客户"))
        status, answer = self.customer_adds(userid, contact, state=state)
        self._json(request, {"status": status, "answer": answer, "external_userid": contact.external_userid})

    def _sign_in(self, request: BaseHTTPRequestHandler, method: str, parts) -> None:
        if method == "GET":
            status, html = login.page(self.corp, parts.path, parts.query)
            self._send(request, status, html.encode(), "text/html; charset=utf-8")
            return
        form = request.rfile.read(int(request.headers.get("Content-Length") or 0)).decode(errors="replace")
        status, answer = login.signed_in(self.corp, parts.path, form)
        if status != 302:
            self._send(request, status, answer.encode(), "text/plain; charset=utf-8")
            return
        request.send_response(302)
        request.send_header("Location", answer)
        request.send_header("Content-Length", "0")
        request.end_headers()

    def _json(self, request, answer: dict) -> None:
        self._send(request, 200, json.dumps(answer, ensure_ascii=False).encode(), "application/json; charset=utf-8")

    @staticmethod
    def _send(request, status: int, body: bytes, content_type: str) -> None:
        request.send_response(status)
        request.send_header("Content-Type", content_type)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    # --- callbacks -------------------------------------------------------------------------------

    def _crypto(self, token: str | None = None) -> WeChatCrypto:
        return WeChatCrypto(token or self.corp.token, self.corp.aes_key, self.corp.corp_id)

    def _post(self, query: dict, body: bytes, method: str = "POST") -> tuple[int, str]:
        parts = urlsplit(self.callback_url)
        headers = {"Content-Type": "text/xml; charset=utf-8", "Host": self.callback_host or parts.netloc}
        target = f"{parts.path}?{urlencode(query)}"
        if self.deliver is not None:
            answer = self.deliver(method, target, body, headers)
        else:
            connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=10)
            try:
                connection.request(method, target, body=body or None, headers=headers)
                response = connection.getresponse()
                answer = (response.status, response.read().decode(errors="replace"))
            finally:
                connection.close()
        self.pushed.append(answer)
        return answer

    def push(self, fields: dict, *, token: str | None = None, nonce: str | None = None) -> tuple[int, str]:
        """Send one event to the callback URL as WeCom does; `token`: sign with another one."""
        return self.push_xml(message_xml(self.corp, fields), token=token, nonce=nonce)

    def push_xml(self, xml: str, *, token: str | None = None, nonce: str | None = None) -> tuple[int, str]:
        nonce = nonce or secrets.token_hex(8)
        timestamp = str(int(time.time()))
        envelope = self.encrypt(xml, nonce=nonce, timestamp=timestamp, token=token)
        query = {"msg_signature": envelope["signature"], "timestamp": timestamp, "nonce": nonce}
        outer = (
            f"<xml><ToUserName><![CDATA[{escape(self.corp.corp_id)}]]></ToUserName>"
            f"<AgentID><![CDATA[{self.corp.agent_id}]]></AgentID>"
            f"<Encrypt><![CDATA[{envelope['encrypt']}]]></Encrypt></xml>"
        )
        return self._post(query, outer.encode())

    def encrypt(self, xml: str, *, nonce: str, timestamp: str, token: str | None = None) -> dict:
        """The Encrypt text and MsgSignature WeCom would send for this message."""
        from xml.etree import ElementTree

        reply = ElementTree.fromstring(self._crypto(token).encrypt_message(xml, nonce, timestamp))  # noqa: S314
        return {"encrypt": reply.findtext("Encrypt"), "signature": reply.findtext("MsgSignature")}

    def verify_url(self) -> tuple[int, str, str]:
        """What WeCom does when an admin saves the callback URL: (status, answer, expected echo)."""
        echo = str(secrets.randbelow(10**18))
        nonce, timestamp = secrets.token_hex(8), str(int(time.time()))
        envelope = self.encrypt(echo, nonce=nonce, timestamp=timestamp)
        status, answer = self._post(
            {
                "msg_signature": envelope["signature"],
                "timestamp": timestamp,
                "nonce": nonce,
                "echostr": envelope["encrypt"],
            },
            b"",
            method="GET",
        )
        return status, answer, echo

    # --- what happens in the corp, changed and then told as WeCom tells it ----------------------

    def customer_adds(
        self, userid: str, contact: Contact, *, state: str = "", tags=(), half: bool = False, ago: int = 0
    ):
        """A customer adds the rep (scanning a channel code when `state`); `half`: the rep has
        not accepted yet (add_half_external_contact); `ago`: seconds before the push."""
        self.corp.follow(userid, contact, createtime=int(time.time()) - ago, state=state, tags=tags)
        return self._contact_event(
            "add_half_external_contact" if half else "add_external_contact",
            userid,
            contact.external_userid,
            State=state,
            WelcomeCode=secrets.token_hex(8),
        )

    def rep_removes(self, userid: str, external_userid: str, *, source: str = "DELETE_BY_USER"):
        """The rep deletes the customer (del_external_contact)."""
        self.corp.unfollow(userid, external_userid)
        return self._contact_event("del_external_contact", userid, external_userid, Source=source)

    def customer_deletes(self, userid: str, external_userid: str):
        """The customer deletes the rep (del_follow_user): WeCom keeps the follow until the rep removes it."""
        self.corp.unfollow(userid, external_userid)
        return self._contact_event("del_follow_user", userid, external_userid)

    def contact_edited(self, userid: str, external_userid: str, *, remark: str | None = None, tags=()):
        with self.corp.lock:
            info = self.corp.follows[(userid, external_userid)]
            if remark is not None:
                info.remark = remark
            info.tag_ids = sorted({*info.tag_ids, *(self.corp.tag("客户标签", t) for t in tags)})
        return self._contact_event("edit_external_contact", userid, external_userid)

    def transfer_fails(self, userid: str, external_userid: str, reason: str = "customer_refused"):
        return self._contact_event("transfer_fail", userid, external_userid, FailReason=reason)

    def _contact_event(self, change: str, userid: str, external_userid: str, **extra):
        return self.push(
            {
                "Event": "change_external_contact",
                "ChangeType": change,
                "UserID": userid,
                "ExternalUserID": external_userid,
                **extra,
            }
        )

    def group_created(self, group: Group):
        with self.corp.lock:
            self.corp.groups[group.chat_id] = group
        return self.push({"Event": "change_external_chat", "ChangeType": "create", "ChatId": group.chat_id})

    def group_members(self, chat_id: str, *, join=(), leave=()):
        """Customers (external_userids) join or leave a group."""
        with self.corp.lock:
            group = self.corp.groups[chat_id]
            for who in join:
                group.members[who], group.joined[who] = 2, int(time.time())
            for who in leave:
                group.members.pop(who, None)
                group.joined.pop(who, None)
        detail = "add_member" if join else "del_member"
        return self.push(
            {
                "Event": "change_external_chat",
                "ChangeType": "update",
                "ChatId": chat_id,
                "UpdateDetail": detail,
                "JoinScene": 1,
                "QuitScene": 0,
                "MemChangeCnt": len(join) + len(leave),
            }
        )

    def group_dismissed(self, chat_id: str):
        with self.corp.lock:
            self.corp.groups[chat_id].dismissed = True
        return self.push({"Event": "change_external_chat", "ChangeType": "dismiss", "ChatId": chat_id})

    def member_joins(self, member: Member):
        with self.corp.lock:
            self.corp.members[member.userid] = member
        return self.push(
            {
                "Event": "change_contact",
                "ChangeType": "create_user",
                "UserID": member.userid,
                "Name": member.name,
                "Department": ",".join(map(str, member.department)),
            }
        )

    def member_leaves(self, userid: str):
        with self.corp.lock:
            self.corp.members[userid].status = 4
        return self.push({"Event": "change_contact", "ChangeType": "delete_user", "UserID": userid})
