"""A management command run for one brand, several, or every brand, inside each one's schema."""

import time

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from apps.tenants.selectors import brands_for_listing


class EachBrandCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="brand subdomains (default: every brand)")

    def handle_brand(self, brand) -> str:
        """Do the work in the brand's schema; return what to report."""
        raise NotImplementedError

    def handle(self, *args, slugs, **options):
        brands = brands_for_listing().order_by("slug")
        if slugs:
            brands = brands.filter(slug__in=slugs)
            missing = set(slugs) - set(brands.values_list("slug", flat=True))
            if missing:
                raise CommandError(f"no such brand: {', '.join(sorted(missing))}")
        for brand in brands:
            started = time.perf_counter()
            with schema_context(brand.schema_name):
                done = self.handle_brand(brand)
            self.stdout.write(f"{brand.slug}: {done} in {time.perf_counter() - started:.1f} s")
