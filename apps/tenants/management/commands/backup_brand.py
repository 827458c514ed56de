from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from apps.tenants.backup import brand_backup, brand_for


class Command(BaseCommand):
    help = "Back up one brand's schema (pg_dump custom format): backup_brand SLUG [--output FILE]."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--output", type=Path, help="default: <slug>-<UTC time>.dump in the current folder")

    def handle(self, slug, output=None, **options):
        brand = brand_for(slug)
        output = output or Path(f"{brand.slug}-{timezone.now():%Y%m%dT%H%M%SZ}.dump")
        brand_backup(brand=brand, output=output)
        self.stdout.write(f"{brand.slug}: {output} ({output.stat().st_size:,} bytes)")
