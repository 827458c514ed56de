from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.tenants.backup import brand_for, brand_restore


class Command(BaseCommand):
    help = (
        "Replace one brand's data with a backup made by backup_brand: restore_brand SLUG FILE --yes. "
        "The brand must exist (on a new database, create it with create_brand first)."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("dump", type=Path)
        parser.add_argument("--yes", action="store_true", help="confirm: the brand's current data is replaced")

    def handle(self, slug, dump, yes=False, **options):
        if not dump.is_file():
            raise CommandError(f"{dump}: no such file")
        if not yes:
            raise CommandError("this replaces all of the brand's current data: add --yes to confirm")
        brand = brand_for(slug)
        brand_restore(brand=brand, dump=dump)
        self.stdout.write(f"{brand.slug}: restored from {dump}")
