"""Writes on brands: the template new brands are cloned from, suspension. Each function is one
transaction. Creating a brand (signup) is apps.signup's."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_exists

from apps.common.schemas import public_schema_use
from apps.tenants.models import Brand
from apps.tenants.schema_clone import schema_clone

_TEMPLATE_LOCK_ID = 0x5159_0001  # pg advisory lock guarding template creation


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
        public_schema_use()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_TEMPLATE_LOCK_ID])


def brand_schema_create(*, brand: Brand) -> None:
    """The brand's schema, a copy of the template's (constant time, see schema_clone.py), inside
    the caller's transaction so that a failed signup leaves no schema behind. The template must
    exist (brand_template_ensure, outside any transaction)."""
    schema_clone(template=settings.TENANT_BASE_SCHEMA, new_schema=brand.schema_name)


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
