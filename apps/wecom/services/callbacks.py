"""Callbacks from WeCom at the brand's callback URL: the URL check (GET) and event pushes (POST),
signature checked and message decrypted with wechatpy's enterprise crypto, each received once
(a replay of the same signature and nonce, or of the same message, changes nothing), answered at
once and processed by the worker (services/inbox.py)."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Mapping

import xmltodict
from django.db import connection as db
from django.db import transaction
from wechatpy.enterprise.crypto import WeChatCrypto
from wechatpy.enterprise.exceptions import InvalidCorpIdException
from wechatpy.exceptions import InvalidSignatureException

from apps.common.redis import client as redis_client
from apps.common.schemas import current_schema
from apps.common.sealed import Unsealable, unseal
from apps.wecom.models import CallbackReceipt, Connection

log = logging.getLogger(__name__)

MAX_AGE_SECONDS = 24 * 3600  # a signed message older than this is a replay, not a retry
MAX_BODY_BYTES = 64 * 1024
CRYPTO_MEMO_SECONDS = 5.0
_CRYPTO: dict[str, tuple[float, WeChatCrypto]] = {}


class CallbackRefused(Exception):
    """Answered with `status` (400 malformed, 403 not signed by this brand's corp, 404 not connected)."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


def _crypto(*, fresh: bool = False) -> tuple[WeChatCrypto, bool]:
    """This brand's callback crypto, and whether it was remembered rather than read just now.

    Remembered for a few seconds per process: a burst of pushes does not read and unseal the
    connection for each one. A push the remembered keys cannot open is tried again with the
    stored ones (they may have just been changed); a brand disconnected in another process
    takes pushes for those few seconds more."""
    schema = current_schema()
    remembered = _CRYPTO.get(schema)
    if remembered and not fresh and remembered[0] > time.monotonic():
        return remembered[1], True
    connection = Connection.objects.filter(pk=1).first()
    if connection is None or not connection.active:
        _CRYPTO.pop(schema, None)
        raise CallbackRefused(404, "not connected")
    try:
        token, key = unseal(connection.callback_token), unseal(connection.callback_aes_key)
    except Unsealable:
        raise CallbackRefused(404, "connection secrets unreadable") from None
    if not token or len(key) != 43:
        raise CallbackRefused(404, "callback token or key not set")
    crypto = WeChatCrypto(token, key, connection.corp_id)
    _CRYPTO[schema] = (time.monotonic() + CRYPTO_MEMO_SECONDS, crypto)
    return crypto, False


def crypto_forget() -> None:
    """The connection changed in this process: the next push reads it again."""
    _CRYPTO.pop(current_schema(), None)


def _signed(params: Mapping[str, str]) -> tuple[str, str, str]:
    try:
        signature, timestamp, nonce = params["msg_signature"], params["timestamp"], params["nonce"]
    except KeyError as missing:
        raise CallbackRefused(400, f"{missing.args[0]} missing") from None
    if not timestamp.isdigit() or len(signature) != 40 or not 0 < len(nonce) <= 64:
        raise CallbackRefused(400, "malformed signature parameters")
    if abs(time.time() - int(timestamp)) > MAX_AGE_SECONDS:
        raise CallbackRefused(403, "timestamp too old")
    return signature, timestamp, nonce


def _opened(call: str, *args) -> str:
    """`call` (a WeChatCrypto method) on the remembered keys, then on the stored ones if they fail."""
    crypto, remembered = _crypto()
    try:
        return _open(getattr(crypto, call), *args)
    except CallbackRefused as refused:
        if not remembered or refused.status != 403:
            raise
    crypto, _remembered = _crypto(fresh=True)
    return _open(getattr(crypto, call), *args)


def _open(method, *args) -> str:
    try:
        return method(*args)
    except InvalidSignatureException:
        raise CallbackRefused(403, "signature does not match this brand's token") from None
    except InvalidCorpIdException:
        raise CallbackRefused(403, "message is for another corp") from None
    except (ValueError, TypeError, IndexError, UnicodeDecodeError) as error:  # not our key's ciphertext
        raise CallbackRefused(403, f"cannot decrypt ({type(error).__name__})") from None


def callback_echo(params: Mapping[str, str]) -> str:
    """The URL check WeCom makes when the admin saves the callback URL: the decrypted echostr."""
    _crypto()  # first: a brand that is not connected has no callback to be wrong about
    signature, timestamp, nonce = _signed(params)
    if not params.get("echostr"):
        raise CallbackRefused(400, "echostr missing")
    return _opened("check_signature", signature, timestamp, nonce, params["echostr"])


def _xml(text: str | bytes) -> dict:
    try:
        parsed = xmltodict.parse(text, disable_entities=True)
    except Exception:  # expat's errors, and entities refused
        raise CallbackRefused(400, "malformed XML") from None
    if not isinstance(parsed, dict) or not isinstance(parsed.get("xml"), dict):
        raise CallbackRefused(400, "no <xml> element")
    return parsed["xml"]


_INSERT = f"""
    INSERT INTO {CallbackReceipt._meta.db_table}
        (key, digest, event, change_type, message, received_at, attempts, error)
    VALUES (%s, %s, %s, %s, %s::jsonb, now(), 0, '')
    ON CONFLICT DO NOTHING RETURNING id
"""  # noqa: S608 (table name is ours)


def callback_receive(params: Mapping[str, str], body: bytes) -> bool:
    """Check, open and keep one pushed event; False when it was a replay."""
    _crypto()  # first: a brand that is not connected has no callback to be wrong about
    signature, timestamp, nonce = _signed(params)
    if len(body) > MAX_BODY_BYTES:
        raise CallbackRefused(400, "body too large")
    envelope = _xml(body)
    if not isinstance(envelope.get("Encrypt"), str):
        raise CallbackRefused(400, "no <Encrypt> element")
    plain = _opened("decrypt_message", {"Encrypt": envelope["Encrypt"]}, signature, timestamp, nonce)
    message = {name: value for name, value in _xml(plain).items() if isinstance(value, str | type(None))}
    key = hashlib.sha256(f"{signature}:{timestamp}:{nonce}".encode()).hexdigest()
    digest = hashlib.sha256(plain.encode()).hexdigest()
    with db.cursor() as cursor:  # one statement: no transaction around it
        cursor.execute(
            _INSERT,
            [
                key,
                digest,
                str(message.get("Event") or "")[:64],
                str(message.get("ChangeType") or "")[:64],
                json.dumps(message, ensure_ascii=False),
            ],
        )
        stored = cursor.fetchone() is not None
    if stored:
        transaction.on_commit(process_soon)  # at once, unless a caller's transaction holds it
    return stored


def process_soon() -> None:
    """Queue the worker's pass over new callbacks, once for however many arrive meanwhile (the
    pass clears the flag before it looks, so nothing received after it looked waits for the sweep)."""
    from apps.common.queue import send_or_leave_to_sweep
    from apps.wecom import tasks

    try:
        first = redis_client().set(f"wecom:inbox:{current_schema()}", 1, nx=True, ex=30)
    except Exception:  # Redis away: queue anyway (the send itself may then be left to the sweep)
        first = True
    if first:
        send_or_leave_to_sweep(tasks.process_callbacks)


def inbox_flag_clear() -> None:
    try:
        redis_client().delete(f"wecom:inbox:{current_schema()}")
    except Exception:  # the flag expires by itself
        log.warning("inbox flag not cleared", exc_info=True)
