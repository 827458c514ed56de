"""Writes on brands: signup, suspension. Each function is one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.crypto import get_random_string
from django_tenants.utils import schema_context, schema_exists

from apps.organisation.roles import Role
from apps.organisation.services import person_create
from apps.tenants.models import Brand, Domain, Plan
from apps.tenants.schema_clone import schema_clone
from apps.tenants.selectors import brand_domain_for, slug_is_taken
from apps.tenants.validators import (
    SLUG_TAKEN,
    schema_name_for,
    validate_currency,
    validate_slug,
    validate_time_zone,
)

HANDOFF_SALT = "siyu.tenants.handoff"
HANDOFF_MAX_AGE_SECONDS = 120
_TEMPLATE_LOCK_ID = 0x5159_0001  # pg advisory lock guarding template creation


@dataclass(frozen=True)
class BrandSignup:
    brand: Brand
    admin_id: int
    handoff_token: str


def brand_template_ensure() -> None:
    """Create the schema new brands are cloned from, once; migrate_schemas keeps it current."""
    if schema_exists(settings.TENANT_BASE_SCHEMA):
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [_TEMPLATE_LOCK_ID])
    try:
        if not schema_exists(settings.TENANT_BASE_SCHEMA):
            # No base schema exists yet, so this one is built by running the migrations.
            template = Brand.objects.create(
                schema_name=settings.TENANT_BASE_SCHEMA,
                slug="brand-template",
                name="brand template",
                kind=Brand.Kind.TEMPLATE,
            )
            try:
                template.create_schema(check_if_exists=True, verbosity=0)
            except Exception:
                template.delete(force_drop=True)  # never leave a half-built template behind
                raise
    finally:
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_TEMPLATE_LOCK_ID])


def brand_create(
    *,
    name: str,
    slug: str,
    admin_name: str,
    admin_email: str,
    admin_password: str | None,
    time_zone: str = "Asia/Shanghai",
    currency: str = "CNY",
    plan: Plan | None = None,
) -> BrandSignup:
    """Create a brand: its schema (cloned from the template), its domain and its first admin.

    Everything exists when this returns, or nothing does.
    """
    validate_slug(slug)
    validate_time_zone(time_zone)
    validate_currency(currency)
    if slug_is_taken(slug):
        raise ValidationError({"slug": SLUG_TAKEN})
    brand_template_ensure()
    connection.set_schema_to_public()
    with transaction.atomic():
        brand = Brand(
            schema_name=schema_name_for(slug),
            slug=slug,
            name=name,
            time_zone=time_zone,
            currency=currency,
            plan=plan or Plan.objects.filter(is_default=True).first(),
        )
        try:
            with transaction.atomic():
                brand.save()
        except (IntegrityError, ValidationError):  # a concurrent signup took the slug after our check
            raise ValidationError({"slug": SLUG_TAKEN}) from None
        schema_clone(template=settings.TENANT_BASE_SCHEMA, new_schema=brand.schema_name)
        Domain.objects.create(domain=brand_domain_for(slug), tenant=brand, is_primary=True)
        with schema_context(brand.schema_name):
            admin = person_create(
                email=admin_email, full_name=admin_name, password=admin_password, roles=[Role.BRAND_ADMIN]
            )
    connection.set_schema_to_public()
    return BrandSignup(brand=brand, admin_id=admin.pk, handoff_token=handoff_token_make(brand=brand, user_id=admin.pk))


def handoff_token_make(*, brand: Brand, user_id: int) -> str:
    """A one-time, short-lived token that logs a user into their brand's site."""
    payload = {"schema": brand.schema_name, "user": user_id, "nonce": get_random_string(24)}
    return signing.dumps(payload, salt=HANDOFF_SALT)


def handoff_token_read(token: str) -> dict:
    """Return the payload; raise signing.BadSignature if forged, tampered or expired."""
    return signing.loads(token, salt=HANDOFF_SALT, max_age=HANDOFF_MAX_AGE_SECONDS)


def brand_suspend(*, brand: Brand, reason: str = "") -> Brand:
    brand.status = Brand.Status.SUSPENDED
    brand.suspended_reason = reason
    brand.save(update_fields=["status", "suspended_reason"])
    return brand


def brand_reactivate(*, brand: Brand) -> Brand:
    brand.status = Brand.Status.ACTIVE
    brand.suspended_reason = ""
    brand.save(update_fields=["status", "suspended_reason"])
    return brand
