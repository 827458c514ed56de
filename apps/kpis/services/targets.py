"""Writes on KPI targets: set one (create or replace), delete one, import a sheet of them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from apps.kpis.models import Target
from apps.kpis.selectors.metrics import metrics_registry
from apps.kpis.selectors.targets import normalise_period_start
from apps.organisation.models import Team

User = get_user_model()
MAX_VALUE = Decimal("99999999999999")


def _check(metric: str, person, team, value) -> None:
    errors = {}
    if metric not in metrics_registry():
        errors["metric"] = _("没有这个指标：%(code)s") % {"code": metric}
    if person is not None and team is not None:
        errors["team"] = _("目标只能属于一个人或一个团队，不能同时指定。")
    if value is None or value < 0 or value > MAX_VALUE:
        errors["value"] = _("目标值应为不小于 0 的数。")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def target_set(
    *,
    metric: str,
    period_kind: str,
    period_start: date,
    value: Decimal,
    person=None,
    team: Team | None = None,
    test_phase: bool = False,
) -> Target:
    """Create the target, or replace the value of the one already set for the same slot."""
    _check(metric, person, team, value)
    if period_kind not in Target.PeriodKind.values:
        raise ValidationError({"period_kind": _("周期只能是月或季度。")})
    target, _created = Target.objects.update_or_create(
        metric=metric,
        person=person,
        team=team,
        period_kind=period_kind,
        period_start=normalise_period_start(period_kind, period_start),
        defaults={"value": value, "test_phase": test_phase},
    )
    return target


def target_delete(*, target: Target) -> None:
    target.delete()


# --- import ------------------------------------------------------------------------------------

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
TRUE_WORDS = {"1", "true", "yes", "y", "是", "测试", "测试期"}


@dataclass
class TargetRowError:
    row: int
    message: str


def _parse_period(text: str) -> tuple[str, date]:
    text = text.strip()
    if match := _MONTH.match(text):
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12:
            return Target.PeriodKind.MONTH, date(year, month, 1)
    if match := _QUARTER.match(text):
        return Target.PeriodKind.QUARTER, date(int(match[1]), 3 * (int(match[2]) - 1) + 1, 1)
    raise ValueError(_("周期应写成 2026-11（月）或 2026-Q4（季度）。"))


def _target_row(row: dict, registry, people: dict[str, Any], teams: dict[str, Team]) -> dict[str, Any]:
    """One uploaded row as target_set's arguments; ValueError says what is wrong with it."""
    metric = (row.get("metric") or "").strip()
    if metric not in registry:
        raise ValueError(_("没有这个指标：%(code)s") % {"code": metric or "—"})
    person_ref, team_name = (row.get("person") or "").strip(), (row.get("team") or "").strip()
    if person_ref and team_name:
        raise ValueError(_("一行只能填人员或团队之一。"))
    person = (people.get(person_ref) or people.get(person_ref.lower())) if person_ref else None
    if person_ref and person is None:
        raise ValueError(_("找不到工号或邮箱为 %(ref)s 的人员。") % {"ref": person_ref})
    team = teams.get(team_name) if team_name else None
    if team_name and team is None:
        raise ValueError(_("找不到名为 %(name)s 的团队。") % {"name": team_name})
    kind, start = _parse_period(row.get("period") or "")
    try:
        value = Decimal(str(row.get("value") or "").replace(",", "").strip())
    except InvalidOperation:
        raise ValueError(_("目标值应为数字。")) from None
    if not value.is_finite() or value < 0 or value > MAX_VALUE:
        raise ValueError(_("目标值应为不小于 0 的数。"))
    return {
        "metric": metric,
        "person": person,
        "team": team,
        "period_kind": kind,
        "period_start": start,
        "value": value,
        "test_phase": str(row.get("test_phase") or "").strip().lower() in TRUE_WORDS,
    }


def targets_import(*, rows: list[dict]) -> tuple[int, list[TargetRowError]]:
    """Rows with metric, person (工号/邮箱) or team (名称), period, value, test_phase.

    All or nothing: if any row is wrong, nothing is saved and every wrong row is reported.
    """
    registry = metrics_registry()
    refs = {(row.get("person") or "").strip() for row in rows} - {""}
    people: dict[str, Any] = {}
    for known in User.objects.filter(Q(employee_no__in=refs) | Q(email__in={r.lower() for r in refs})):
        people[known.email] = known
        if known.employee_no:
            people[known.employee_no] = known
    teams = {team.name: team for team in Team.objects.all()}
    errors: list[TargetRowError] = []
    parsed: list[dict[str, Any]] = []
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        try:
            parsed.append(_target_row(row, registry, people, teams))
        except ValueError as error:
            errors.append(TargetRowError(number, str(error)))
    if errors:
        return 0, errors
    with transaction.atomic():
        for fields in parsed:
            target_set(**fields)
    return len(parsed), []


@transaction.atomic
def targets_set_many(*, items: list[dict]) -> list[Target]:
    """Several targets in one transaction: all are set or, on the first error, none."""
    saved = []
    for index, fields in enumerate(items):
        try:
            saved.append(target_set(**fields))
        except ValidationError as error:
            detail = error.message_dict if hasattr(error, "error_dict") else error.messages
            raise ValidationError({str(index): detail}) from None
    return saved
