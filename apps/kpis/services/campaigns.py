"""Writes on campaigns (活动)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.kpis.models import Campaign

FIELDS = ("code", "name", "channel", "owner", "starts_on", "ends_on", "budget", "target_gmv")


def _save(campaign: Campaign) -> Campaign:
    campaign.full_clean()
    if campaign.ends_on < campaign.starts_on:
        raise ValidationError({"ends_on": _("结束日期不能早于开始日期。")})
    campaign.save()
    return campaign


@transaction.atomic
def campaign_create(**fields) -> Campaign:
    return _save(Campaign(**{name: value for name, value in fields.items() if name in FIELDS}))


@transaction.atomic
def campaign_update(*, campaign: Campaign, **fields) -> Campaign:
    if "code" in fields and fields["code"] != campaign.code and campaign.events.exists():
        raise ValidationError({"code": _("活动已有事件，代码不能再改（集成方用它标记事件）。")})
    for name, value in fields.items():
        if name in FIELDS:
            setattr(campaign, name, value)
    return _save(campaign)


@transaction.atomic
def campaign_delete(*, campaign: Campaign) -> None:
    if campaign.events.exists():
        raise ValidationError(_("活动已有事件，不能删除：它的成交和投入还要计入报表。"))
    campaign.delete()
