"""The brand's standing boards: which headline metrics, whose, and whether amounts show."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.kpis.selectors.metrics import metrics_registry
from apps.leaderboards import store
from apps.leaderboards.boards import leaderboard_settings
from apps.leaderboards.models import LeaderboardSettings
from apps.organisation.roles import Role

MAX_STANDING_METRICS = 6


@transaction.atomic
def leaderboard_settings_update(*, metrics: list[str], roles: list[str], show_amounts: bool) -> LeaderboardSettings:
    registry = metrics_registry()
    errors = {}
    unknown = [code for code in metrics if code not in registry]
    if unknown or not metrics:
        errors["metrics"] = [_("请选择 1 到 %(n)d 个指标。") % {"n": MAX_STANDING_METRICS}]
    elif len(metrics) > MAX_STANDING_METRICS:
        errors["metrics"] = [_("最多 %(n)d 个常设榜指标。") % {"n": MAX_STANDING_METRICS}]
    if not roles or any(role not in Role.values for role in roles):
        errors["roles"] = [_("请选择参与排名的角色。")]
    if errors:
        raise ValidationError(errors)
    settings = leaderboard_settings()
    settings.metrics, settings.roles, settings.show_amounts = list(dict.fromkeys(metrics)), roles, show_amounts
    settings.save()
    transaction.on_commit(store.drop_standing)  # whose and what changed: rebuilt on the next read
    return settings
