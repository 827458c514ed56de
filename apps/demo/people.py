"""The demo brand: 2 regions, 5 stores, 50 reps, one person per operations role, an admin.

Deterministic for a given seed so screenshots, tests and later issues' events line up.
"""

import random
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django_tenants.utils import schema_context
from faker import Faker

from apps.organisation.models import Membership, Team
from apps.organisation.roles import Role
from apps.organisation.services import person_create, team_create
from apps.tenants.models import Industry, Plan

User = get_user_model()

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEMO_SLUG = "demo"
DEMO_NAME = "花漾美妆"
DEMO_PASSWORD = "siyu-demo-2026"  # noqa: S105 (printed for everyone to try)
DEMO_DOMAIN = "demo.siyu.example"
REPS_PER_STORE = 10
STRUCTURE = {
    "华东大区": ["上海南京路店", "杭州西湖店", "苏州观前街店"],
    "华南大区": ["广州天河店", "深圳万象城店"],
}
OPS_PEOPLE = [
    ("admin", Role.BRAND_ADMIN),
    ("ops", Role.OPS_MANAGER),
    ("planner", Role.ACTIVITY_PLANNER),
    ("copy", Role.COPYWRITER),
    ("product", Role.PRODUCT_OPS),
    ("design", Role.DESIGNER),
]


def seed_demo_brand(*, seed: int, slug: str = DEMO_SLUG):
    from apps.signup.services import brand_create

    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    signup = brand_create(
        name=DEMO_NAME,
        slug=slug,
        admin_name=fake.name(),
        admin_email=f"admin@{DEMO_DOMAIN}",
        admin_password=DEMO_PASSWORD,
        plan=Plan.objects.get(code="team"),  # 56 people: more than the trial's 20 seats
        industry=Industry.BEAUTY,
    )
    with schema_context(signup.brand.schema_name), transaction.atomic():
        for login, role in OPS_PEOPLE[1:]:
            person_create(
                email=f"{login}@{DEMO_DOMAIN}",
                full_name=fake.name(),
                roles=[role],
                password=DEMO_PASSWORD,
                phone=fake.phone_number(),
            )
        password_hash = make_password(DEMO_PASSWORD)  # hashed once: 50 argon2 runs would take seconds
        number = 0
        for region_name, stores in STRUCTURE.items():
            region = team_create(name=region_name, kind=Team.Kind.REGION)
            for store_name in stores:
                store = team_create(name=store_name, kind=Team.Kind.STORE, parent=region)
                reps = []
                for _ in range(REPS_PER_STORE):
                    number += 1
                    name = fake.name()
                    reps.append(
                        User(  # bulk_create skips save(), so the sort key is set here
                            email=f"rep{number:02d}@{DEMO_DOMAIN}",
                            full_name=name,
                            name_sort=User.sort_key_for(name),
                            roles=[Role.SALES_REP],
                            password=password_hash,
                            phone=fake.phone_number(),
                            employee_no=f"DG{number:04d}",
                            date_joined=fake.date_time_between("-2y", "-30d", tzinfo=SHANGHAI),
                        )
                    )
                reps = User.objects.bulk_create(reps)
                Membership.objects.bulk_create(Membership(person=rep, team=store) for rep in reps)
                store.leader = rng.choice(reps)
                store.save(update_fields=["leader"])
    return signup.brand


def demo_logins() -> list[tuple[str, str]]:
    """(role label, email) for the logins worth trying, read from the brand's current data."""
    labels = dict(Role.choices)
    logins = [(str(labels[role]), f"{login}@{DEMO_DOMAIN}") for login, role in OPS_PEOPLE]
    first_rep = User.objects.filter(roles__contains=[Role.SALES_REP]).order_by("email").first()
    if first_rep:
        logins.append((str(labels[Role.SALES_REP]), first_rep.email))
    return logins
