from decimal import Decimal

from django.conf import settings
from django.db import migrations

PLANS = [
    ("trial", "试用版", 20, Decimal("0"), True),
    ("team", "团队版", 200, Decimal("1999"), False),
    ("enterprise", "企业版", None, Decimal("9999"), False),
]


def create_public_site_and_plans(apps, schema_editor):
    """The public site is a tenant row on the public schema; plans are what signup picks from."""
    Brand = apps.get_model("tenants", "Brand")
    Domain = apps.get_model("tenants", "Domain")
    Plan = apps.get_model("tenants", "Plan")
    for code, name, max_people, price, is_default in PLANS:
        Plan.objects.get_or_create(code=code, defaults={"name": name, "max_people": max_people,
                                                        "monthly_price": price, "is_default": is_default})
    public, _ = Brand.objects.get_or_create(
        schema_name="public", defaults={"name": "Siyu", "slug": "public", "kind": "public"}
    )
    Domain.objects.get_or_create(domain=settings.PUBLIC_DOMAIN, defaults={"tenant": public, "is_primary": True})


class Migration(migrations.Migration):
    dependencies = [("tenants", "0001_initial")]

    operations = [migrations.RunPython(create_public_site_and_plans, migrations.RunPython.noop)]
