"""The worker's pass over callbacks received: each handled in the order WeCom sent them, by what
it tells of (a contact, a group, the directory). A callback says what changed, not the whole
record, so the record is read back from WeCom's API first. One that fails on WeCom's side is
tried again by later passes (up to MAX_ATTEMPTS); an event type we do not handle is noted as
processed, not an error."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import UTC, datetime

from django.db import transaction
from django.utils import timezone

from apps.wecom import client
from apps.wecom.models import CallbackReceipt, Connection, Handover, Member
from apps.wecom.services.callbacks import inbox_flag_clear
from apps.wecom.services.contacts import FollowFacts, facts_of, follow_end, follows_store
from apps.wecom.services.directory import (
    departments_store,
    member_leave,
    member_store,
    team_ids_by_department,
    teams_align,
)
from apps.wecom.services.groups import group_dismiss, group_store

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BATCH = 200
NOT_A_CONTACT, NO_SUCH_USER, NO_SUCH_CHAT = 84061, 60111, 40050


class _Api:
    """The connection's two clients, made when first needed in a pass."""

    def __init__(self, connection: Connection):
        self.connection = connection
        self._clients: dict[str, client._Client] = {}

    def call(self, kind: str, method: str, path: str, **kwargs) -> dict:
        if kind not in self._clients:
            self._clients[kind] = client.client_for(self.connection, kind)
        return client.call(self._clients[kind], method, path, **kwargs)


def callbacks_process() -> Counter:
    """Handle every callback waiting; what changed, counted."""
    inbox_flag_clear()
    counts: Counter = Counter()
    connection = Connection.objects.get(pk=1)
    api = _Api(connection)
    while True:
        with transaction.atomic():
            receipts = list(
                CallbackReceipt.objects.select_for_update(skip_locked=True)
                .filter(processed_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
                .order_by("received_at", "pk")[:BATCH]
            )
            for receipt in receipts:
                _handle_one(receipt, api, counts)
        if len(receipts) < BATCH:
            return counts


def _handle_one(receipt: CallbackReceipt, api: _Api, counts: Counter) -> None:
    fields = {"attempts": receipt.attempts + 1, "processed_at": timezone.now(), "error": ""}
    if not api.connection.active:
        fields["error"] = "not connected when processed"
    else:
        try:
            with transaction.atomic():
                _dispatch(receipt.message, api, counts)
        except client.WecomError as error:
            fields["processed_at"], fields["error"] = None, f"{error.errcode}: {error.errmsg}"[:500]
            log.warning("wecom callback %s (%s) failed: %s", receipt.pk, receipt.change_type, error)
    CallbackReceipt.objects.filter(pk=receipt.pk).update(**fields)
    counts["callbacks"] += 1


def _at(message: dict) -> datetime:
    created = str(message.get("CreateTime") or "")
    return datetime.fromtimestamp(int(created), UTC) if created.isdigit() else timezone.now()


def _dispatch(message: dict, api: _Api, counts: Counter) -> None:
    event, change = message.get("Event") or "", message.get("ChangeType") or ""
    handler = _HANDLERS.get((event, change))
    if handler is None:
        log.info("wecom callback not handled: %s/%s", event, change)
        counts["not_handled"] += 1
        return
    handler(message, api, counts)


# --- change_external_contact -------------------------------------------------------------------


def _follow_now(api: _Api, userid: str, external_userid: str) -> FollowFacts | None:
    try:
        answer = api.call(client.CONTACT, "get", "externalcontact/get", params={"external_userid": external_userid})
    except client.WecomError as error:
        if error.errcode == NOT_A_CONTACT:
            return None
        raise
    for follow in answer.get("follow_user") or []:
        if follow.get("userid") == userid:
            return facts_of(answer.get("external_contact") or {}, follow)
    return None


def _contact_added(message: dict, api: _Api, counts: Counter) -> None:
    userid, external_userid = message.get("UserID") or "", message.get("ExternalUserID") or ""
    facts = _follow_now(api, userid, external_userid) or FollowFacts(
        userid=userid,
        external_userid=external_userid,
        createtime=int(_at(message).timestamp()),
        state=str(message.get("State") or "")[:30],
    )
    follows_store([facts], counts)


def _contact_edited(message: dict, api: _Api, counts: Counter) -> None:
    facts = _follow_now(api, message.get("UserID") or "", message.get("ExternalUserID") or "")
    if facts is not None:
        follows_store([facts], counts)


def _contact_removed(message: dict, api: _Api, counts: Counter) -> None:
    """The rep deleted the customer, or WeCom did as it moved the customer to another rep (no
    alert then: nobody chose to lose them)."""
    follow_end(
        message.get("UserID") or "",
        message.get("ExternalUserID") or "",
        by_rep=True,
        alert=message.get("Source") != "DELETE_BY_TRANSFER",
        at=_at(message),
        counts=counts,
    )


def _rep_deleted(message: dict, api: _Api, counts: Counter) -> None:
    follow_end(
        message.get("UserID") or "",
        message.get("ExternalUserID") or "",
        by_rep=False,
        alert=False,
        at=_at(message),
        counts=counts,
    )


def _transfer_failed(message: dict, api: _Api, counts: Counter) -> None:
    userid = message.get("UserID") or ""
    Handover.objects.get_or_create(
        external_userid=message.get("ExternalUserID") or "",
        userid=userid,
        reason=Handover.Reason.TRANSFER_FAILED,
        defaults={
            "person_id": Member.objects.filter(userid=userid).values_list("person_id", flat=True).first(),
            "detail": str(message.get("FailReason") or "")[:200],
        },
    )
    counts["transfers_failed"] += 1


# --- change_external_chat ----------------------------------------------------------------------


def _group_changed(message: dict, api: _Api, counts: Counter) -> None:
    chat_id = message.get("ChatId") or ""
    try:
        answer = api.call(client.CONTACT, "post", "externalcontact/groupchat/get", data={"chat_id": chat_id})
    except client.WecomError as error:
        if error.errcode != NO_SUCH_CHAT:
            raise
        group_dismiss(chat_id, counts)
        return
    group_store(answer.get("group_chat") or {}, counts)


def _group_dismissed(message: dict, api: _Api, counts: Counter) -> None:
    group_dismiss(message.get("ChatId") or "", counts)


# --- change_contact ----------------------------------------------------------------------------


def _member_changed(message: dict, api: _Api, counts: Counter) -> None:
    old, new = message.get("UserID") or "", message.get("NewUserID") or ""
    if new and new != old:  # WeCom renamed the userid: the same member
        Member.objects.filter(userid=old).update(userid=new)
    userid = new or old
    try:
        row = api.call(client.APP, "get", "user/get", params={"userid": userid})
    except client.WecomError as error:
        if error.errcode != NO_SUCH_USER:
            raise
        return
    errors: list[str] = []
    member_store(row, counts=counts, errors=errors, teams=team_ids_by_department())
    for text in errors:
        log.warning("wecom member %s not kept: %s", userid, text)


def _member_left(message: dict, api: _Api, counts: Counter) -> None:
    errors: list[str] = []
    member_leave(message.get("UserID") or "", counts=counts, errors=errors)
    for text in errors:
        log.warning("wecom member left, still active: %s", text)


def _departments_changed(message: dict, api: _Api, counts: Counter) -> None:
    """A department created, renamed, moved or removed: the list is read again (it is small)."""
    answer = api.call(client.APP, "get", "department/list")
    departments_store(answer.get("department") or [], complete=True, counts=counts)
    errors: list[str] = []
    teams_align(counts, errors)
    for text in errors:
        log.warning("wecom department not kept as a team: %s", text)


_HANDLERS = {
    ("change_external_contact", "add_external_contact"): _contact_added,
    ("change_external_contact", "add_half_external_contact"): _contact_added,
    ("change_external_contact", "edit_external_contact"): _contact_edited,
    ("change_external_contact", "del_external_contact"): _contact_removed,
    ("change_external_contact", "del_follow_user"): _rep_deleted,
    ("change_external_contact", "transfer_fail"): _transfer_failed,
    ("change_external_chat", "create"): _group_changed,
    ("change_external_chat", "update"): _group_changed,
    ("change_external_chat", "dismiss"): _group_dismissed,
    ("change_contact", "create_user"): _member_changed,
    ("change_contact", "update_user"): _member_changed,
    ("change_contact", "delete_user"): _member_left,
    ("change_contact", "create_party"): _departments_changed,
    ("change_contact", "update_party"): _departments_changed,
    ("change_contact", "delete_party"): _departments_changed,
}
