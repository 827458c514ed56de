"""The simulated corp: its members, departments, external contacts, groups and contact ways, and
the documented API answered over them (payloads, errcodes, token expiry, rate limits).

Only what the connector calls is implemented, as the WeCom developer documentation describes it;
everything else answers errcode 60000 ("not simulated") so a new call cannot pass unnoticed.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

WECOM_CLOCK = timezone(timedelta(hours=8))  # WeCom counts days in China time
BEHAVIOUR_SPAN_DAYS = 30  # get_user_behavior_data: at most 30 days per call …
BEHAVIOUR_WINDOW_DAYS = 180  # … within the last 180
SIGN_IN_CODE_SECONDS = 300


@dataclass
class Member:
    userid: str
    name: str
    department: list[int]
    mobile: str = ""
    email: str = ""
    status: int = 1  # 1 active, 4 left (not in the lists any more)
    follows: bool = True  # customer contact (客户联系) enabled for them


@dataclass
class Contact:
    external_userid: str
    name: str
    kind: int = 1
    corp_name: str = ""
    unionid: str = ""


@dataclass
class FollowInfo:
    userid: str
    external_userid: str
    createtime: int
    remark: str = ""
    tag_ids: list[str] = field(default_factory=list)
    add_way: int = 1
    state: str = ""


@dataclass
class Group:
    chat_id: str
    name: str
    owner: str
    create_time: int
    members: dict[str, int] = field(default_factory=dict)  # userid or external_userid → type (1 staff, 2 customer)
    joined: dict[str, int] = field(default_factory=dict)  # → when they joined (create_time when absent)
    dismissed: bool = False


class ApiError(Exception):
    def __init__(self, errcode: int, errmsg: str):
        super().__init__(errmsg)
        self.errcode, self.errmsg = errcode, errmsg


@dataclass
class Corp:
    corp_id: str
    app_secret: str
    contact_secret: str
    token: str
    aes_key: str
    agent_id: str = "1000002"
    departments: dict[int, dict] = field(default_factory=lambda: {1: {"id": 1, "name": "总部", "parentid": 0}})
    members: dict[str, Member] = field(default_factory=dict)
    contacts: dict[str, Contact] = field(default_factory=dict)
    follows: dict[tuple[str, str], FollowInfo] = field(default_factory=dict)
    tags: dict[str, tuple[str, str]] = field(default_factory=dict)  # tag_id → (group name, tag name)
    groups: dict[str, Group] = field(default_factory=dict)
    ways: dict[str, dict] = field(default_factory=dict)
    # (userid, day) → get_user_behavior_data's figures; a day not set gets plausible ones from the ids
    behaviour: dict[tuple[str, date], dict] = field(default_factory=dict)
    # sign-in codes handed out by the login pages: code → (userid, or None for a WeChat user
    # outside the corp; when it stops being valid)
    sign_in_codes: dict[str, tuple[str | None, float]] = field(default_factory=dict)
    # app messages delivered (message/send): {"touser": [userids], "msgtype", "content", "at"}, latest last
    sent: list[dict] = field(default_factory=list)
    # What a test turns to say how WeCom behaves today.
    token_ttl: int = 7200
    calls_per_minute: int = 10_000  # calls allowed per rate_window seconds
    rate_window: float = 60.0
    ip_allowed: bool = True
    visible: bool = True  # the app's visible range includes the directory
    calls: deque[str] = field(default_factory=lambda: deque(maxlen=10_000))  # API paths asked for, latest last
    base_url: str = ""  # where the server answers (contact-way QR images are served there)

    @classmethod
    def with_new_credentials(cls, **fields) -> Corp:
        """A corp with fresh random ids and secrets of the shapes WeCom gives (tests, benchmarks)."""
        return cls(
            corp_id=f"ww{secrets.token_hex(8)}",
            app_secret=secrets.token_urlsafe(32)[:43],
            contact_secret=secrets.token_urlsafe(32)[:43],
            token=secrets.token_hex(8),
            aes_key=secrets.token_hex(22)[:43],
            **fields,
        )

    def __post_init__(self):
        self.lock = threading.RLock()
        self._tokens: dict[str, tuple[str, float]] = {}  # token → (secret kind, expires at)
        self._recent: deque[float] = deque()
        self._ids = itertools.count(1)
        self._delivered: dict[str, float] = {}  # a sent request's JSON → when (the duplicate check)
        self.by_user: dict[str, set[str]] = {}  # userid → the external_userids they follow
        for userid, external_userid in self.follows:
            self.by_user.setdefault(userid, set()).add(external_userid)

    # --- state a test or the live demo changes ------------------------------------------------

    def tag(self, group: str, name: str) -> str:
        for tag_id, (tag_group, tag_name) in self.tags.items():
            if (tag_group, tag_name) == (group, name):
                return tag_id
        tag_id = f"et{len(self.tags) + 1:06d}"
        self.tags[tag_id] = (group, name)
        return tag_id

    def follow(self, userid: str, contact: Contact, *, createtime: int, state: str = "", tags=(), remark=""):
        with self.lock:
            self.contacts.setdefault(contact.external_userid, contact)
            self.follows[(userid, contact.external_userid)] = FollowInfo(
                userid, contact.external_userid, createtime, remark, [self.tag("客户标签", t) for t in tags], 1, state
            )
            self.by_user.setdefault(userid, set()).add(contact.external_userid)

    def unfollow(self, userid: str, external_userid: str) -> None:
        with self.lock:
            self.follows.pop((userid, external_userid), None)
            self.by_user.get(userid, set()).discard(external_userid)

    def sign_in_code(self, userid: str | None) -> str:
        """What WeCom's login hands the browser once someone signed in: used once, within 5 minutes."""
        with self.lock:
            code = secrets.token_urlsafe(24)
            self.sign_in_codes[code] = (userid, time.monotonic() + SIGN_IN_CODE_SECONDS)
            return code

    def new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):08d}{secrets.token_hex(4)}"

    # --- the API -------------------------------------------------------------------------------

    def handle(self, method: str, path: str, params: dict, body: dict) -> dict:
        with self.lock:
            self.calls.append(path)
            if path == "gettoken":
                return self._gettoken(params)
            kind = self._authorised(params.get("access_token", ""))
            handler = _ROUTES.get((method, path))
            if handler is None:
                raise ApiError(60000, f"{method} {path} is not simulated")
            needs, function = handler
            if needs == "contact" and kind != "contact":
                raise ApiError(48002, "api forbidden")
            return {"errcode": 0, "errmsg": "ok", **function(self, params, body)}

    def _gettoken(self, params: dict) -> dict:
        if params.get("corpid") != self.corp_id:
            raise ApiError(40013, "invalid corpid")
        kind = {self.app_secret: "app", self.contact_secret: "contact"}.get(params.get("corpsecret", ""))
        if kind is None:
            raise ApiError(40001, "invalid credential, access_token is invalid or not latest")
        if not self.ip_allowed:
            raise ApiError(60020, "not allow to access from your ip")
        token = secrets.token_urlsafe(32)
        self._tokens[token] = (kind, time.monotonic() + self.token_ttl)
        return {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": self.token_ttl}

    def _authorised(self, token: str) -> str:
        if not token:
            raise ApiError(41001, "access_token missing")
        if token not in self._tokens:
            raise ApiError(40014, "invalid access_token")
        kind, expires = self._tokens[token]
        if time.monotonic() >= expires:
            raise ApiError(42001, "access_token expired")
        now = time.monotonic()
        while self._recent and now - self._recent[0] > self.rate_window:
            self._recent.popleft()
        if len(self._recent) >= self.calls_per_minute:
            raise ApiError(45009, "api freq out of limit")
        self._recent.append(now)
        return kind

    def expire_tokens(self) -> None:
        with self.lock:
            self._tokens = {token: (kind, 0.0) for token, (kind, _e) in self._tokens.items()}


def _departments(corp: Corp, params, body) -> dict:
    if not corp.visible:
        raise ApiError(60011, "no privilege to access/modify contact/party/agent")
    return {"department": sorted(corp.departments.values(), key=lambda d: d["id"])}


def _below(corp: Corp, dept: int) -> set[int]:
    found, frontier = {dept}, [dept]
    while frontier:
        parent = frontier.pop()
        children = [d["id"] for d in corp.departments.values() if d.get("parentid") == parent and d["id"] not in found]
        found.update(children)
        frontier.extend(children)
    return found


def _user_json(m: Member) -> dict:
    return {
        "userid": m.userid,
        "name": m.name,
        "department": m.department,
        "main_department": m.department[0] if m.department else 1,
        "mobile": m.mobile,
        "email": m.email,
        "status": m.status,
    }


def _users(corp: Corp, params, body) -> dict:
    dept = int(params.get("department_id") or 1)
    if dept not in corp.departments:
        raise ApiError(60003, "department not found")
    depts = _below(corp, dept) if str(params.get("fetch_child")) == "1" else {dept}
    members = [m for m in corp.members.values() if depts & set(m.department) and m.status == 1]
    return {"userlist": [_user_json(m) for m in sorted(members, key=lambda m: m.userid)]}


def _user(corp: Corp, params, body) -> dict:
    member = corp.members.get(params.get("userid", ""))
    if member is None or member.status != 1:
        raise ApiError(60111, "userid not found")
    return _user_json(member)


def _follow_users(corp: Corp, params, body) -> dict:
    return {"follow_user": sorted(m.userid for m in corp.members.values() if m.status == 1 and m.follows)}


def _follow_json(corp: Corp, info: FollowInfo, *, with_names: bool) -> dict:
    body = {
        "userid": info.userid,
        "remark": info.remark,
        "createtime": info.createtime,
        "add_way": info.add_way,
        "state": info.state,
    }
    if with_names:
        body["tags"] = [
            {"group_name": corp.tags[t][0], "tag_name": corp.tags[t][1], "type": 1, "tag_id": t} for t in info.tag_ids
        ]
    else:
        body["tag_id"] = list(info.tag_ids)
    return body


def _contact_json(contact: Contact) -> dict:
    body = {"external_userid": contact.external_userid, "name": contact.name, "type": contact.kind}
    if contact.kind == 2:
        body["corp_name"] = contact.corp_name
    if contact.unionid:
        body["unionid"] = contact.unionid
    return body


def _contact_list(corp: Corp, params, body) -> dict:
    userid = params.get("userid", "")
    if userid not in corp.members:
        raise ApiError(60111, "invalid userid")
    return {"external_userid": sorted(corp.by_user.get(userid, ()))}


def _contact_get(corp: Corp, params, body) -> dict:
    contact = corp.contacts.get(params.get("external_userid", ""))
    follows = [info for (_u, e), info in corp.follows.items() if contact and e == contact.external_userid]
    if contact is None or not follows:
        raise ApiError(84061, "not external contact")
    return {
        "external_contact": _contact_json(contact),
        "follow_user": [_follow_json(corp, info, with_names=True) for info in follows],
    }


def _batch_by_user(corp: Corp, params, body) -> dict:
    userids = body.get("userid_list") or []
    if not isinstance(userids, list) or not 1 <= len(userids) <= 100:
        raise ApiError(40058, "userid_list should have 1 to 100 items")
    limit = min(int(body.get("limit") or 50), 100)
    ordered = [(u, e) for u in sorted(set(userids)) for e in sorted(corp.by_user.get(u, ()))]
    start = int(body.get("cursor") or 0)
    page = ordered[start : start + limit]
    return {
        "external_contact_list": [
            {
                "external_contact": _contact_json(corp.contacts[e]),
                "follow_info": _follow_json(corp, corp.follows[(u, e)], with_names=False),
            }
            for u, e in page
        ],
        "next_cursor": str(start + limit) if start + limit < len(ordered) else "",
    }


def _corp_tags(corp: Corp, params, body) -> dict:
    groups: dict[str, list] = {}
    for tag_id, (group, name) in corp.tags.items():
        groups.setdefault(group, []).append({"id": tag_id, "name": name})
    return {"tag_group": [{"group_name": g, "tag": tags} for g, tags in groups.items()]}


def _add_way(corp: Corp, params, body) -> dict:
    state = body.get("state", "")
    users = body.get("user") or []
    if body.get("type") not in (1, 2) or body.get("scene") not in (1, 2):
        raise ApiError(40058, "type and scene are required")
    if len(state) > 30:
        raise ApiError(40058, "state should be at most 30 characters")
    if not users or any(u not in corp.members for u in users):
        raise ApiError(60111, "invalid userid")
    config_id = corp.new_id("cw")
    corp.ways[config_id] = {"config_id": config_id, "state": state, "user": users, "type": body["type"]}
    return {"config_id": config_id, "qr_code": f"{corp.base_url}/qr/{config_id}.png"}


def _del_way(corp: Corp, params, body) -> dict:
    if corp.ways.pop(body.get("config_id", ""), None) is None:
        raise ApiError(41044, "invalid config_id")
    return {}


def _group_list(corp: Corp, params, body) -> dict:
    limit = min(int(body.get("limit") or 100), 1000)
    ids = sorted(chat for chat, group in corp.groups.items() if not group.dismissed)
    start = int(body.get("cursor") or 0)
    page = ids[start : start + limit]
    return {
        "group_chat_list": [{"chat_id": chat, "status": 0} for chat in page],
        "next_cursor": str(start + limit) if start + limit < len(ids) else "",
    }


def _group_get(corp: Corp, params, body) -> dict:
    group = corp.groups.get(body.get("chat_id", ""))
    if group is None or group.dismissed:
        raise ApiError(40050, "chatid not found")
    return {
        "group_chat": {
            "chat_id": group.chat_id,
            "name": group.name,
            "owner": group.owner,
            "create_time": group.create_time,
            "member_list": [
                {"userid": who, "type": kind, "join_time": group.joined.get(who, group.create_time), "join_scene": 1}
                for who, kind in sorted(group.members.items())
            ],
        }
    }


def _behaviour(corp: Corp, params, body) -> dict:
    """Per day over the members asked for, summed as WeCom does; a span over 30 days, a start
    over 180 days ago or an unknown member is an error (the connector must never ask one)."""
    userids = body.get("userid") or []
    if not isinstance(userids, list) or not 1 <= len(userids) <= 100:
        raise ApiError(40058, "userid should have 1 to 100 items")
    if any(u not in corp.members for u in userids):
        raise ApiError(60111, "invalid userid")
    try:
        start, end = int(body["start_time"]), int(body["end_time"])
    except (KeyError, TypeError, ValueError):
        raise ApiError(40058, "start_time and end_time are required") from None
    first, last = (datetime.fromtimestamp(t, WECOM_CLOCK).date() for t in (start, end))
    today = datetime.now(WECOM_CLOCK).date()
    if last < first:
        raise ApiError(40058, "end_time is before start_time")
    if (last - first).days >= BEHAVIOUR_SPAN_DAYS:
        raise ApiError(40058, f"the span should be at most {BEHAVIOUR_SPAN_DAYS} days")
    if (today - first).days > BEHAVIOUR_WINDOW_DAYS:
        raise ApiError(40058, f"start_time should be within the last {BEHAVIOUR_WINDOW_DAYS} days")
    rows = []
    day = first
    while day <= min(last, today - timedelta(days=1)):  # a day is counted once it is over
        figures = [corp.behaviour.get((u, day)) or _plausible(u, day) for u in userids]
        chats = sum(f["chat_cnt"] for f in figures)
        replied = sum(f["chat_cnt"] * f.get("reply_percentage", 0) / 100 for f in figures)
        minutes = sum(f["chat_cnt"] * f.get("reply_percentage", 0) / 100 * f.get("avg_reply_time", 0) for f in figures)
        row = {
            "stat_time": int(datetime(day.year, day.month, day.day, tzinfo=WECOM_CLOCK).timestamp()),
            **{key: sum(f[key] for f in figures) for key in _BEHAVIOUR_COUNTS},
        }
        if chats:  # WeCom leaves the two rates out of a day without chats
            row["reply_percentage"] = round(replied / chats * 100, 2)
            row["avg_reply_time"] = round(minutes / replied) if replied else 0
        rows.append(row)
        day += timedelta(days=1)
    return {"behavior_data": rows}


_BEHAVIOUR_COUNTS = ("chat_cnt", "message_cnt", "negative_feedback_cnt", "new_apply_cnt", "new_contact_cnt")


def _plausible(userid: str, day: date) -> dict:
    """A member's day, the same every time it is asked for (the demo's reps differ from each other)."""
    seed = hashlib.sha256(f"{userid}:{day.isoformat()}".encode()).digest()
    skill = hashlib.sha256(userid.encode()).digest()[0] / 255  # some reps answer better than others
    chats = 5 + seed[0] % 30
    return {
        "chat_cnt": chats,
        "message_cnt": chats * (2 + seed[1] % 4),
        "reply_percentage": round(60 + 40 * skill - seed[2] % 10, 2),
        "avg_reply_time": 2 + int((1 - skill) * 25) + seed[3] % 5,
        "negative_feedback_cnt": 1 if seed[4] < 20 else 0,
        "new_apply_cnt": seed[5] % 4,
        "new_contact_cnt": seed[6] % 6,
    }


def _sign_in_user(corp: Corp, params, body) -> dict:
    """auth/getuserinfo: a member's userid, or an openid for someone outside the corp."""
    userid, expires = corp.sign_in_codes.pop(params.get("code", ""), (None, 0.0))
    if expires < time.monotonic():
        raise ApiError(40029, "invalid code")
    if userid is None:
        return {"openid": f"o{secrets.token_hex(14)}"}
    return {"userid": userid}


def _send_message(corp: Corp, params, body) -> dict:
    """message/send: delivered to the members named; the others come back in `invaliduser`
    (lower-cased), and when nobody named can be reached the call fails with 81013. With
    `enable_duplicate_check` the same request within its interval is accepted, not delivered again."""
    if str(body.get("agentid", "")) != corp.agent_id:
        raise ApiError(40056, "invalid agentid")
    msgtype = body.get("msgtype")
    content = body.get(msgtype) if isinstance(msgtype, str) else None
    if msgtype not in MESSAGE_FIELDS or not isinstance(content, dict):
        raise ApiError(40008, "invalid message type")
    if any(not content.get(name) for name in MESSAGE_FIELDS[msgtype]):
        raise ApiError(40058, f"invalid parameter: {msgtype} needs {', '.join(MESSAGE_FIELDS[msgtype])}")
    named = [userid for userid in str(body.get("touser", "")).split("|") if userid]
    reachable = [userid for userid in named if userid in corp.members and corp.members[userid].status == 1]
    if not corp.visible:
        reachable = []
    invalid = "|".join(userid.lower() for userid in named if userid not in reachable)
    if not reachable:
        raise ApiError(81013, f"user & party & tag all invalid, invaliduser: {invalid}")
    request = json.dumps(body, sort_keys=True, ensure_ascii=False)
    now = time.monotonic()
    interval = int(body.get("duplicate_check_interval") or 1800)
    duplicate = bool(body.get("enable_duplicate_check")) and now - corp._delivered.get(request, -1e12) < interval
    if not duplicate:
        corp._delivered[request] = now
        corp.sent.append({"touser": reachable, "msgtype": msgtype, "content": content, "at": int(time.time())})
    answer = {"msgid": corp.new_id("msg")}
    if invalid:
        answer["invaliduser"] = invalid
    return answer


MESSAGE_FIELDS = {"text": ("content",), "markdown": ("content",), "textcard": ("title", "description", "url")}

_ROUTES = {
    ("GET", "department/list"): ("app", _departments),
    ("GET", "user/list"): ("app", _users),
    ("GET", "user/get"): ("app", _user),
    ("GET", "auth/getuserinfo"): ("app", _sign_in_user),
    ("GET", "externalcontact/get_follow_user_list"): ("contact", _follow_users),
    ("GET", "externalcontact/list"): ("contact", _contact_list),
    ("GET", "externalcontact/get"): ("contact", _contact_get),
    ("POST", "externalcontact/batch/get_by_user"): ("contact", _batch_by_user),
    ("POST", "externalcontact/get_corp_tag_list"): ("contact", _corp_tags),
    ("POST", "externalcontact/add_contact_way"): ("contact", _add_way),
    ("POST", "externalcontact/del_contact_way"): ("contact", _del_way),
    ("POST", "externalcontact/groupchat/list"): ("contact", _group_list),
    ("POST", "externalcontact/groupchat/get"): ("contact", _group_get),
    ("POST", "externalcontact/get_user_behavior_data"): ("contact", _behaviour),
    ("POST", "message/send"): ("app", _send_message),
}
