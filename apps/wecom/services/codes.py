"""Channel codes (渠道活码): a 联系我 QR code per campaign, channel, store or rep, made with
add_contact_way and a state we generate, so every add through it carries that state and is
attributed to the code's campaign, channel and reps with nobody tagging anything."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.wecom import client
from apps.wecom.models import ChannelCode, Connection, Member

STATE_PREFIX = "sy"  # our states: WeCom allows 30 characters


def _state() -> str:
    return f"{STATE_PREFIX}{secrets.token_hex(8)}"


@transaction.atomic
def code_create(
    *, name: str, people, campaign=None, channel: str, team=None, cost: Decimal = Decimal(0), actor
) -> ChannelCode:
    """Make the code in WeCom, then keep it; WeCom's refusal is a form error in its words."""
    connection = Connection.objects.get(pk=1)
    if not connection.active:
        raise ValidationError(_("请先连接企业微信。"))
    people = list(people)
    userids = dict(Member.objects.filter(person__in=people, left_at__isnull=True).values_list("person_id", "userid"))
    missing = [p.full_name for p in people if p.pk not in userids]
    if not people or missing:
        raise ValidationError(
            {"people": _("这些人员不是企业微信成员（或已离职）：%(names)s") % {"names": "、".join(missing)}}
            if missing
            else {"people": _("至少选一位接待导购。")}
        )
    state = _state()
    try:
        answer = client.call(
            client.client_for(connection, client.CONTACT),
            "post",
            "externalcontact/add_contact_way",
            data={
                "type": 1 if len(people) == 1 else 2,
                "scene": 2,  # a QR code
                "remark": name[:30],
                "skip_verify": True,
                "state": state,
                "user": [userids[p.pk] for p in people],
            },
        )
    except client.WecomError as error:
        raise ValidationError(error.advice) from None
    code = ChannelCode.objects.create(
        name=name,
        state=state,
        config_id=str(answer.get("config_id") or ""),
        qr_code=str(answer.get("qr_code") or ""),
        campaign=campaign,
        channel=channel,
        team=team,
        cost=cost,
        created_by=actor,
    )
    code.people.set(people)
    return code


@transaction.atomic
def code_update(*, code: ChannelCode, name: str, cost: Decimal) -> ChannelCode:
    """What may change once made (the rest is printed on posters already)."""
    code.name, code.cost = name, cost
    code.save(update_fields=["name", "cost"])
    return code


def code_remove(*, code: ChannelCode) -> None:
    """Stop the code in WeCom (scans no longer add); what it brought stays counted."""
    connection = Connection.objects.get(pk=1)
    if connection.active and code.config_id:
        try:
            client.call(
                client.client_for(connection, client.CONTACT),
                "post",
                "externalcontact/del_contact_way",
                data={"config_id": code.config_id},
            )
        except client.WecomError as error:
            if error.errcode != 41044:  # already gone in WeCom
                raise ValidationError(error.advice) from None
    ChannelCode.objects.filter(pk=code.pk).update(removed_at=timezone.now())
