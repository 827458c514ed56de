import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.signup.forms import SignupForm
from apps.signup.services import brand_create
from apps.tenants.selectors import brand_url


class Command(BaseCommand):
    help = "Create a brand (schema, domain, first admin), as the signup form does."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-name", required=True)
        parser.add_argument("--admin-password", help="prompted for when left out")
        parser.add_argument("--time-zone", default="Asia/Shanghai")
        parser.add_argument("--currency", default="CNY")
        parser.add_argument("--industry", default="other", help="beauty, baby, food, apparel or other")

    def handle(self, *args, **opts):
        password = opts["admin_password"] or getpass.getpass("Admin password: ")
        fields = {
            "name": opts["name"],
            "slug": opts["slug"],
            "admin_name": opts["admin_name"],
            "admin_email": opts["admin_email"],
            "admin_password": password,
            "time_zone": opts["time_zone"],
            "currency": opts["currency"],
            "industry": opts["industry"],
        }
        form = SignupForm(data=fields)  # the signup page's rules, here too
        if not form.is_valid():
            raise CommandError("; ".join(f"{field}: {' '.join(errors)}" for field, errors in form.errors.items()))
        try:
            signup = brand_create(**form.cleaned_data)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"Created {signup.brand} at {brand_url(signup.brand)}"))
