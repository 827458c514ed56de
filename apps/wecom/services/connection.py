"""The brand's connection to its WeCom corp: saved (secrets sealed), tested against WeCom with
each secret, connected (which starts the first sync) and disconnected (which stops every pull
and callback; what came in stays)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.common.sealed import seal
from apps.wecom import client
from apps.wecom.models import Connection, SyncRun
from apps.wecom.services.callbacks import crypto_forget
from apps.wecom.services.sync import sync_start

SECRET_FIELDS = ("app_secret", "contact_secret", "callback_token", "callback_aes_key")


def connection_get() -> Connection:
    """The brand's connection row (a data migration creates it)."""
    return Connection.objects.get(pk=1)


@transaction.atomic
def connection_save(*, corp_id: str, agent_id: str, new_member_role: str, **secrets: str) -> Connection:
    """Keep what the admin typed; a secret left blank keeps the one stored."""
    connection = Connection.objects.select_for_update().get(pk=1)
    connection.corp_id, connection.agent_id, connection.new_member_role = corp_id, agent_id, new_member_role
    for name in SECRET_FIELDS:
        if secrets.get(name):
            setattr(connection, name, seal(secrets[name]))
    connection.save()
    crypto_forget()
    return connection


@dataclass(frozen=True)
class Check:
    label: str
    ok: bool
    advice: str = ""


def connection_test(connection: Connection) -> list[Check]:
    """Ask WeCom for a token with each secret, then make one cheap call with it: what an admin
    needs to know before connecting, in plain words."""
    checks = []
    for kind, label, path, method, body in (
        (client.APP, _("自建应用 Secret"), "department/list", "get", None),
        (client.CONTACT, _("客户联系 Secret"), "externalcontact/get_follow_user_list", "get", None),
    ):
        secret = connection.app_secret if kind == client.APP else connection.contact_secret
        if not connection.corp_id or not secret:
            checks.append(Check(label, False, _("还没有填写。")))
            continue
        try:
            client.token_check(connection, kind)
            client.call(client.client_for(connection, kind), method, path, **({"data": body} if body else {}))
        except client.WecomError as error:
            checks.append(Check(label, False, error.advice))
        else:
            checks.append(Check(label, True))
    if not (connection.callback_token and connection.callback_aes_key):
        checks.append(Check(_("回调 Token 与 EncodingAESKey"), False, _("还没有填写：企业微信推送的事件会收不到。")))
    return checks


def connection_connect(connection: Connection) -> tuple[bool, list[Check]]:
    """Connect when every check passes; the first sync is queued."""
    checks = connection_test(connection)
    if not all(check.ok for check in checks):
        return False, checks
    with transaction.atomic():
        Connection.objects.filter(pk=1).update(connected_at=timezone.now(), disconnected_at=None)
        sync_start(trigger=SyncRun.Trigger.CONNECT)
    return True, checks


def connection_disconnect() -> None:
    with transaction.atomic():
        Connection.objects.filter(pk=1).update(disconnected_at=timezone.now())
        SyncRun.objects.filter(status=SyncRun.Status.RUNNING).update(
            status=SyncRun.Status.FAILED,
            finished_at=timezone.now(),
            errors=[{"step": "", "errcode": None, "errmsg": _("连接已断开，同步停止。")}],
        )
    crypto_forget()


def connection_to_simulator(corp) -> None:
    """The brand connected to a simulated corp (the demo brand, tests, benchmarks), as the settings
    page leaves it once connected, without the checks against WeCom. `corp`: the simulator's Corp."""
    Connection.objects.filter(pk=1).update(
        corp_id=corp.corp_id,
        agent_id=corp.agent_id,
        app_secret=seal(corp.app_secret),
        contact_secret=seal(corp.contact_secret),
        callback_token=seal(corp.token),
        callback_aes_key=seal(corp.aes_key),
        simulated=True,
        connected_at=timezone.now(),
        disconnected_at=None,
    )
    crypto_forget()
