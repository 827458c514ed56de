import time

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from apps.kpis.services.rollups import rollups_rebuild
from apps.tenants.selectors import brands_for_listing


class Command(BaseCommand):
    help = "Recompute daily rollups, fan balances and customers from the events (one brand or all)."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="brand subdomains (default: every brand)")

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
                rollups_rebuild(time_zone=brand.time_zone)
            self.stdout.write(f"{brand.slug}: rebuilt in {time.perf_counter() - started:.1f} s")
