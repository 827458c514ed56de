from collections import Counter

from django_tenants.utils import schema_context

from apps.accounts.models import User
from apps.demo.people import seed_demo_brand
from apps.organisation.models import Team
from apps.organisation.roles import Role


def _snapshot(brand):
    with schema_context(brand.schema_name):
        people = list(User.objects.select_related("membership__team").order_by("email"))
        teams = Counter(Team.objects.values_list("kind", flat=True))
        stores = {t.name: (t.parent.name, t.memberships.count()) for t in Team.objects.filter(kind=Team.Kind.STORE)}
        return people, teams, stores


def test_demo_brand_has_the_promised_organisation_and_is_reproducible(db):
    brand = seed_demo_brand(seed=7)
    people, teams, stores = _snapshot(brand)

    assert teams == {Team.Kind.REGION: 2, Team.Kind.STORE: 5}
    assert all(count == 10 for _region, count in stores.values())
    roles = Counter(role for person in people for role in person.roles)
    assert roles[Role.SALES_REP] == 50
    for role in Role.values:
        assert roles[role] >= 1, role
    assert all("\u4e00" <= person.full_name[0] <= "\u9fff" for person in people)  # Chinese names
    first_names = [p.full_name for p in people]

    again, _teams, _stores = _snapshot(seed_demo_brand(seed=7, slug="demo-again"))
    assert [p.full_name for p in again] == first_names


def test_demo_data_is_never_dated_after_now():
    from datetime import date, timedelta
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from apps.demo.events import end_of_data

    shanghai = ZoneInfo("Asia/Shanghai")
    today = timezone.localdate(timezone=shanghai)
    assert end_of_data(today, shanghai) <= timezone.now()  # seeding at 09:14 stops at 09:14
    yesterday = end_of_data(today - timedelta(days=1), shanghai)
    assert (yesterday.hour, yesterday.minute) == (10, 0)
    assert end_of_data(date(2030, 1, 1), shanghai) <= timezone.now()
