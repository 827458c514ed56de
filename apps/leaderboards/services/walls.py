"""Wall display links: made by someone who runs competitions, opened by a TV, revoked at will."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.leaderboards.models import WallLink

SEEN_EVERY = timedelta(minutes=1)  # a screen polls every second; note it once a minute


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def wall_link_create(*, name: str, created_by) -> tuple[WallLink, str]:
    """Returns the link and its secret, which is shown once and never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": [_("请填写名称。")]})
    secret = secrets.token_urlsafe(24)
    link = WallLink.objects.create(name=name, secret_hash=_hash(secret), created_by=created_by)
    return link, secret


def wall_link_revoke(*, link: WallLink) -> None:
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])


def wall_link_open(secret: str) -> WallLink | None:
    """The live link this secret opens (noting when it was last used), or None."""
    link = WallLink.objects.filter(secret_hash=_hash(secret), revoked_at__isnull=True).first()
    if link is not None:
        now = timezone.now()
        if link.last_seen_at is None or now - link.last_seen_at >= SEEN_EVERY:
            WallLink.objects.filter(pk=link.pk).update(last_seen_at=now)
    return link
