"""Deleting a brand takes two steps: a brand admin asks (typing the brand's sub-domain to
confirm), the brand keeps working through a grace period in which any admin may cancel and
export its data, then the platform's hourly sweep drops the schema, the files and the rows."""

from __future__ import annotations

import logging
import shutil
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, schema_context

from apps.tenants.models import Brand
from apps.tenants.selectors import current_brand

log = logging.getLogger(__name__)


def grace_period() -> timedelta:
    return timedelta(days=settings.BRAND_DELETION_GRACE_DAYS)


def deletion_due_text(brand: Brand) -> str:
    """When the brand will be purged, on the brand's clock."""
    return f"{timezone.localtime(brand.delete_after, ZoneInfo(brand.time_zone)):%Y-%m-%d %H:%M}"


def deletion_request(*, user, confirm_slug: str) -> Brand:
    brand = current_brand()
    if confirm_slug.strip().lower() != brand.slug:
        raise ValidationError({"confirm_slug": _("请输入品牌子域名 %(slug)s 以确认。") % {"slug": brand.slug}})
    if brand.delete_after is not None:
        raise ValidationError(_("已申请删除，将于 %(when)s 执行。") % {"when": deletion_due_text(brand)})
    now = timezone.now()
    Brand.objects.filter(pk=brand.pk).update(
        deletion_requested_at=now, delete_after=now + grace_period(), deletion_requested_by=user.email
    )
    brand.refresh_from_db()
    log.warning("brand deletion requested by %s, due %s", user.email, deletion_due_text(brand))
    return brand


def deletion_cancel(*, user) -> Brand:
    brand = current_brand()
    if brand.delete_after is None:
        raise ValidationError(_("没有待执行的删除。"))
    Brand.objects.filter(pk=brand.pk).update(deletion_requested_at=None, delete_after=None, deletion_requested_by="")
    brand.refresh_from_db()
    log.warning("brand deletion cancelled by %s", user.email)
    return brand


def brands_purge_due(*, now=None) -> list[str]:
    """Drop every brand whose grace period is over, or whose first admin never confirmed their
    email in time (SIGNUP_EMAIL_CONFIRMATION): schema (django-tenants), media, rows."""
    now = now or timezone.now()
    purged = []
    due = Q(delete_after__lte=now) | Q(confirm_email_by__lte=now)
    with schema_context(get_public_schema_name()):
        for brand in Brand.objects.filter(due, kind=Brand.Kind.BRAND):
            media = Path(settings.MEDIA_ROOT) / brand.schema_name
            brand.delete(force_drop=True)
            shutil.rmtree(media, ignore_errors=True)
            log.warning("brand %s purged (deletion due or email never confirmed)", brand.slug)
            purged.append(brand.slug)
    return purged
