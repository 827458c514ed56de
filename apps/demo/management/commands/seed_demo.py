from django.conf import settings
from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context

from apps.common.periods import brand_today
from apps.demo.chats import seed_demo_compliance
from apps.demo.competitions import seed_demo_leaderboards
from apps.demo.events import DAYS, seed_demo_kpis
from apps.demo.logs import seed_demo_reports
from apps.demo.people import DEMO_NAME, DEMO_PASSWORD, DEMO_SLUG, demo_logins, seed_demo_brand
from apps.demo.wecom import seed_demo_wecom
from apps.tenants.models import Brand
from apps.tenants.selectors import brand_url


class Command(BaseCommand):
    help = "Create the demo brand with teams, people and roles (reproducible from --seed)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=20261125)
        parser.add_argument("--reset", action="store_true", help="drop the demo brand first")

    def handle(self, *args, seed, reset, **opts):
        existing = Brand.objects.filter(slug=DEMO_SLUG).first()
        if existing and reset:
            existing.delete(force_drop=True)
            existing = None
        if existing:
            self.stdout.write(f"Demo brand already exists at {brand_url(existing)} (use --reset to rebuild).")
            brand = existing
        else:
            brand = seed_demo_brand(seed=seed)
            today = brand_today(brand.time_zone)
            with schema_context(brand.schema_name):
                events = seed_demo_kpis(seed=seed, today=today, time_zone=brand.time_zone)
                messages = seed_demo_compliance(seed=seed, today=today, days=DAYS, time_zone=brand.time_zone)
                competitions = seed_demo_leaderboards(today=today)
                wecom = seed_demo_wecom(
                    seed=seed,
                    today=today,
                    time_zone=brand.time_zone,
                    brand_name=DEMO_NAME,
                    corp_file=settings.WECOM_DEMO_CORP_FILE,
                )
                # Last: the reports read everything above, WeCom's customers and reply figures too.
                logs = seed_demo_reports(seed=seed, today=today, time_zone=brand.time_zone)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Seeded the demo brand at {brand_url(brand)} ({events:,} events, {messages:,} chat messages, "
                    f"{competitions} competitions, {logs:,} daily logs, 7 daily reports; simulated WeCom: "
                    f"{wecom['customers']:,} customers through {wecom['codes']} channel codes, "
                    f"{wecom['groups']} groups)"
                )
            )
        with schema_context(brand.schema_name):
            for label, email in demo_logins():
                self.stdout.write(f"  {label:<10} {email}  /  {DEMO_PASSWORD}")
