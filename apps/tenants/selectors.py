from django.conf import settings

from apps.common.schemas import current_schema
from apps.tenants.models import Brand


def brand_domain_for(slug: str) -> str:
    return f"{slug}.{settings.PUBLIC_DOMAIN}"


def brand_url(brand: Brand, path: str = "/") -> str:
    port = "" if settings.SITE_PORT in (80, 443) else f":{settings.SITE_PORT}"
    return f"{settings.SITE_SCHEME}://{brand_domain_for(brand.slug)}{port}{path}"


def public_url(path: str = "/") -> str:
    port = "" if settings.SITE_PORT in (80, 443) else f":{settings.SITE_PORT}"
    return f"{settings.SITE_SCHEME}://{settings.PUBLIC_DOMAIN}{port}{path}"


def slug_is_taken(slug: str) -> bool:
    return Brand.objects.filter(slug=slug).exists()


def brands_for_listing():
    """Real brands only: not the public site's row nor the template schema's."""
    return Brand.objects.filter(kind=Brand.Kind.BRAND).select_related("plan")


def current_brand() -> Brand:
    """The brand whose schema the connection is on (in requests, tasks and schema_context alike)."""
    from django.db import connection

    tenant = connection.tenant  # type: ignore[attr-defined]  # django-tenants' DatabaseWrapper
    if isinstance(tenant, Brand):
        return tenant
    return Brand.objects.get(schema_name=current_schema())
