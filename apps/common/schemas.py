"""Which brand's schema the database connection works in. django-tenants puts it on the
connection (per request, per task); its backend has no type information, so it is read here."""

from django.db import connection


def current_schema() -> str:
    return connection.schema_name  # type: ignore[attr-defined]  # noqa: TID251  (django-tenants' DatabaseWrapper)


def public_schema_use() -> None:
    """Back to the public schema (brands, domains, plans, platform staff)."""
    connection.set_schema_to_public()  # type: ignore[attr-defined]


def brand_use(brand) -> None:
    """Work in `brand`'s schema; when it already is the one, the search path already set stays
    (setting it again costs a SET search_path before the next query)."""
    if current_schema() != brand.schema_name:
        connection.set_tenant(brand)  # type: ignore[attr-defined]


def brand_of(request):
    """The brand a request is for (django-tenants puts it on the request as `tenant`)."""
    return request.tenant
