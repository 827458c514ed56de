"""Signing a brand up: its schema (cloned from the template), its domain and its first admin in
one transaction; the one-time token that hands the new admin over to the brand's own site; the
limits on signups per address and per email; and, when SIGNUP_EMAIL_CONFIRMATION is on, the
emailed link without which the brand is purged after a day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from apps.accounts.models import login_identity
from apps.common.ratelimit import Rate, rate_hit
from apps.common.schemas import public_schema_use
from apps.compliance.services.rules import industry_pack_apply
from apps.organisation.roles import Role
from apps.organisation.services import person_create
from apps.tenants.models import Brand, Domain, Industry, Plan
from apps.tenants.selectors import brand_domain_for, public_url, slug_is_taken
from apps.tenants.services import brand_schema_create, brand_template_ensure
from apps.tenants.validators import (
    SLUG_TAKEN,
    schema_name_for,
    validate_currency,
    validate_slug,
    validate_time_zone,
)

HANDOFF_SALT = "siyu.tenants.handoff"  # the salts stay as they were: tokens already sent still work
HANDOFF_MAX_AGE_SECONDS = 120
CONFIRM_SALT = "siyu.tenants.signup-confirm"


@dataclass(frozen=True)
class BrandSignup:
    brand: Brand
    admin_id: int
    handoff_token: str


def brand_create(
    *,
    name: str,
    slug: str,
    admin_name: str,
    admin_email: str,
    admin_password: str | None,
    time_zone: str = "Asia/Shanghai",
    currency: str = "CNY",
    industry: str = Industry.OTHER,
    plan: Plan | None = None,
    confirm_email: bool = False,
) -> BrandSignup:
    """Create a brand: its schema (cloned from the template), its domain and its first admin.

    Everything exists when this returns, or nothing does. With `confirm_email`, the admin is sent
    a link to confirm their address, and the brand is purged if it is not used in time.
    """
    validate_slug(slug)
    validate_time_zone(time_zone)
    validate_currency(currency)
    if slug_is_taken(slug):
        raise ValidationError({"slug": SLUG_TAKEN})
    brand_template_ensure()
    public_schema_use()
    with transaction.atomic():
        brand = Brand(
            schema_name=schema_name_for(slug),
            slug=slug,
            name=name,
            time_zone=time_zone,
            currency=currency,
            industry=industry,
            plan=plan or Plan.objects.filter(is_default=True).first(),
            confirm_email_by=timezone.now() + confirmation_period() if confirm_email else None,
        )
        try:
            with transaction.atomic():
                brand.save()
        except (IntegrityError, ValidationError):  # a concurrent signup took the slug after our check
            raise ValidationError({"slug": SLUG_TAKEN}) from None
        brand_schema_create(brand=brand)
        Domain.objects.create(domain=brand_domain_for(slug), tenant=brand, is_primary=True)
        with schema_context(brand.schema_name):
            admin = person_create(
                email=admin_email, full_name=admin_name, password=admin_password, roles=[Role.BRAND_ADMIN]
            )
            industry_pack_apply(industry=brand.industry, brand_name=name)
        if confirm_email:
            from apps.signup.tasks import send_signup_confirmation

            language = translation.get_language() or settings.LANGUAGE_CODE
            send_signup_confirmation.delay_on_commit(brand.pk, admin.email, language)
    public_schema_use()
    return BrandSignup(brand=brand, admin_id=admin.pk, handoff_token=handoff_token_make(brand=brand, user_id=admin.pk))


class SignupThrottled(Exception):
    """Too many signups from this address or for this email; `wait` seconds until the next."""

    def __init__(self, wait: float):
        super().__init__(wait)
        self.wait = wait


def signup_rate_check(*, client_ip: str, email: str) -> None:
    """Count a signup against its address and its admin's email (SIGNUP_RATE_PER_*)."""
    for scope, ident, rate in (
        ("signup-address", client_ip, settings.SIGNUP_RATE_PER_ADDRESS),
        ("signup-email", login_identity(email), settings.SIGNUP_RATE_PER_EMAIL),
    ):
        wait = rate_hit(scope=scope, ident=ident, rate=Rate.parse(rate))
        if wait is not None:
            raise SignupThrottled(wait)


def confirmation_period() -> timedelta:
    return timedelta(hours=settings.SIGNUP_CONFIRMATION_HOURS)


def signup_confirmation_send(*, brand_id: int, email: str, language: str) -> None:
    """Email the first admin the link that keeps their brand (sent by a worker)."""
    brand = Brand.objects.filter(pk=brand_id, confirm_email_by__isnull=False).first()
    if brand is None:  # confirmed already, or purged
        return
    token = signing.dumps({"brand": brand.pk, "email": email}, salt=CONFIRM_SALT)
    context = {"brand": brand, "link": public_url(f"/signup/confirm/{token}/"), "until": brand.confirm_email_by}
    with translation.override(language):
        send_mail(
            render_to_string("signup/confirm_email_subject.txt", context).strip(),
            render_to_string("signup/confirm_email.txt", context),
            settings.DEFAULT_FROM_EMAIL,
            [email],
        )


def signup_confirm(*, token: str) -> Brand:
    """The admin followed the emailed link: the brand is kept. ValidationError if the link is bad."""
    try:
        payload = signing.loads(token, salt=CONFIRM_SALT, max_age=confirmation_period())
    except signing.BadSignature:
        raise ValidationError(_("确认链接无效或已过期。")) from None
    brand = Brand.objects.filter(pk=payload["brand"], kind=Brand.Kind.BRAND).first()
    if brand is None:
        raise ValidationError(_("这个品牌已不存在：未在期限内确认的品牌会被删除，请重新注册。"))
    if brand.confirm_email_by is not None:
        Brand.objects.filter(pk=brand.pk).update(confirm_email_by=None)
        brand.confirm_email_by = None
    return brand


def handoff_token_make(*, brand: Brand, user_id: int) -> str:
    """A one-time, short-lived token that logs a user into their brand's site."""
    payload = {"schema": brand.schema_name, "user": user_id, "nonce": get_random_string(24)}
    return signing.dumps(payload, salt=HANDOFF_SALT)


def handoff_token_read(token: str) -> dict:
    """Return the payload; raise signing.BadSignature if forged, tampered or expired."""
    return signing.loads(token, salt=HANDOFF_SALT, max_age=HANDOFF_MAX_AGE_SECONDS)
