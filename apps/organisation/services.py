"""Writes on the organisation: people, teams, roles and API keys. One transaction each."""

from __future__ import annotations

from collections.abc import Iterable
from types import EllipsisType

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.common.schemas import current_schema
from apps.organisation.models import ApiKey, Membership, Team
from apps.organisation.roles import Role
from apps.organisation.selectors import is_last_admin, seats
from apps.tenants.selectors import current_brand

User = get_user_model()


def _clean_roles(roles: Iterable[str]) -> list[str]:
    roles = list(dict.fromkeys(roles))  # keep order, drop repeats
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        raise ValidationError({"roles": _("未知角色：%(roles)s") % {"roles": ", ".join(unknown)}})
    return roles


def _check_email_free(email: str, *, exclude_pk: int | None = None) -> str:
    email = User.objects.normalize_email(email).strip().lower()
    clash = User.objects.filter(email__iexact=email)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"email": _("该邮箱已被本品牌的其他人员使用。")})
    return email


def _set_team(person, team: Team | None) -> None:
    if team is None:
        Membership.objects.filter(person=person).delete()
    else:
        Membership.objects.update_or_create(person=person, defaults={"team": team})


@transaction.atomic
def person_create(
    *,
    email: str,
    full_name: str,
    roles: Iterable[str],
    password: str | None = None,
    team: Team | None = None,
    phone: str = "",
    employee_no: str = "",
    language: str = "",
):
    """Create a person in the current brand. Without a password they are invited instead."""
    _ensure_a_seat()
    email = _check_email_free(email)
    person = User(
        email=email,
        full_name=full_name.strip(),
        roles=_clean_roles(roles),
        phone=phone,
        employee_no=employee_no,
        language=language,
    )
    if password:
        try:
            password_validation.validate_password(password, person)
        except ValidationError as error:
            raise ValidationError({"password": error.messages}) from None
        person.set_password(password)
    else:
        person.set_unusable_password()
    person.save()
    _set_team(person, team)
    return person


@transaction.atomic
def person_update(
    *,
    person,
    email: str | None = None,
    full_name: str | None = None,
    roles: Iterable[str] | None = None,
    team: Team | EllipsisType | None = ...,  # ... leaves the team unchanged; None removes it
    phone: str | None = None,
    employee_no: str | None = None,
    language: str | None = None,
):
    if email is not None:
        person.email = _check_email_free(email, exclude_pk=person.pk)
    if full_name is not None:
        person.full_name = full_name.strip()
    if roles is not None:
        roles = _clean_roles(roles)
        if Role.BRAND_ADMIN in person.roles and Role.BRAND_ADMIN not in roles:
            _ensure_another_admin(person)
        person.roles = roles
    if phone is not None:
        person.phone = phone
    if employee_no is not None:
        person.employee_no = employee_no
    if language is not None:
        person.language = language
    person.save()
    if not isinstance(team, EllipsisType):
        _set_team(person, team)
    return person


def _ensure_a_seat() -> None:
    """The brand's plan caps how many people are active at once. Checked under a per-brand lock,
    so two invitations racing for the last seat cannot both take it."""
    plan = current_brand().plan
    if plan is None or plan.max_people is None:
        return  # no limit: nothing to count, nothing to lock
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"seats:{current_schema()}"])
    taken = seats()
    if taken.limit is not None and taken.used >= taken.limit:
        raise ValidationError(
            _("“%(plan)s”套餐最多 %(n)d 位在职人员，名额已满：请先停用不再使用的账号，或升级套餐。")
            % {"plan": taken.plan, "n": taken.limit},
            code="seats",
        )


def _ensure_another_admin(person) -> None:
    if is_last_admin(person):
        raise ValidationError(_("品牌至少需要一位在职的品牌管理员。"))


@transaction.atomic
def person_deactivate(*, person, actor=None) -> None:
    """People are never deleted: their history (events, messages, KPIs) stays attributable.
    `actor` None: the brand's directory (WeCom) says they left."""
    if actor is not None and person.pk == actor.pk:
        raise ValidationError(_("不能停用自己的账号。"))
    if Role.BRAND_ADMIN in person.roles:
        _ensure_another_admin(person)
    person.is_active = False
    person.deactivated_at = timezone.now()
    person.save(update_fields=["is_active", "deactivated_at"])


@transaction.atomic
def person_reactivate(*, person) -> None:
    if person.is_active:
        return
    _ensure_a_seat()
    person.is_active = True
    person.deactivated_at = None
    person.save(update_fields=["is_active", "deactivated_at"])


def _validated_team(team: Team) -> Team:
    team.full_clean()
    team.save()
    return team


@transaction.atomic
def team_create(*, name: str, kind: str = Team.Kind.STORE, parent: Team | None = None, leader=None) -> Team:
    return _validated_team(Team(name=name.strip(), kind=kind, parent=parent, leader=leader))


@transaction.atomic
def team_update(*, team: Team, name: str, kind: str, parent: Team | None, leader=None) -> Team:
    if kind != Team.Kind.REGION and team.children.exists():
        raise ValidationError({"kind": _("该团队下还有下级团队，只能是大区。")})
    team.name, team.kind, team.parent, team.leader = name.strip(), kind, parent, leader
    return _validated_team(team)


@transaction.atomic
def team_delete(*, team: Team) -> None:
    if team.children.exists() or team.memberships.exists():
        raise ValidationError(_("团队下还有成员或下级团队，请先移走。"))
    team.delete()


def api_key_create(*, name: str, roles: Iterable[str], created_by) -> tuple[ApiKey, str]:
    """Return the key and its secret; the secret is not stored and cannot be shown again."""
    key, secret = ApiKey.objects.create_key(name=name, roles=_clean_roles(roles), created_by=created_by)
    assert isinstance(key, ApiKey)
    return key, secret


def api_key_revoke(*, api_key: ApiKey) -> None:
    api_key.revoked = True
    api_key.revoked_at = timezone.now()
    api_key.save(update_fields=["revoked", "revoked_at"])


def api_key_touch(*, api_key: ApiKey) -> None:
    """Record use, at most once a minute per key, so busy integrations don't write on every call."""
    now = timezone.now()
    if api_key.last_used_at is None or (now - api_key.last_used_at).total_seconds() > 60:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
