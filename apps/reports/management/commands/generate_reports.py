from datetime import date, timedelta

from django.core.management.base import CommandError

from apps.common.periods import brand_today
from apps.reports.services.reports import report_generate
from apps.tenants.commands import EachBrandCommand


class Command(EachBrandCommand):
    help = "Build (or rebuild) a day's daily report for one brand or all, without sending it."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--day", help="YYYY-MM-DD (default: yesterday in each brand's time zone)")

    def handle(self, *args, day=None, **options):
        try:
            self.day = date.fromisoformat(day) if day else None
        except ValueError:
            raise CommandError("--day must be YYYY-MM-DD") from None
        super().handle(*args, **options)

    def handle_brand(self, brand) -> str:
        day = self.day or brand_today(brand.time_zone) - timedelta(days=1)
        report = report_generate(day=day)
        return f"report for {day} (generation {report.generations})"
