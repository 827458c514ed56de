import pytest
from django.test import Client

from apps.accounts.models import User
from apps.organisation.roles import Role
from apps.organisation.services import api_key_create
from apps.tenants.models import Brand
from apps.tenants.services import brand_reactivate, brand_suspend


@pytest.fixture
def staff_client(db):
    User.objects.create_superuser("ops@siyu.example", "Platform-Staff-2026", full_name="平台运维")
    client = Client(HTTP_HOST="localhost")
    signed_in = client.post(
        "/admin/login/", {"username": "ops@siyu.example", "password": "Platform-Staff-2026", "next": "/admin/"}
    )
    assert signed_in.status_code == 302
    return client


def test_suspended_brand_shows_a_clear_page_and_its_api_answers_403(alpha):
    with alpha:
        _key, secret = api_key_create(name="k", roles=[Role.BRAND_ADMIN], created_by=None)
    admin = alpha.client("admin")
    brand_suspend(brand=alpha.brand, reason="欠费")

    page = admin.get("/people/")
    assert page.status_code == 403
    assert "该品牌已被停用" in page.content.decode() and "欠费" in page.content.decode()
    assert alpha.client().get("/accounts/login/").status_code == 403
    api = alpha.client(HTTP_AUTHORIZATION=f"Api-Key {secret}").get("/api/v1/people/")
    assert api.status_code == 403 and api.json()["detail"] == "该品牌已被停用。"

    brand_reactivate(brand=alpha.brand)
    assert admin.get("/people/").status_code == 200


def test_platform_staff_list_brands_and_suspend_one_from_the_admin(staff_client, alpha, beta):
    listing = staff_client.get("/admin/tenants/brand/").content.decode()
    assert "alpha" in listing and "beta" in listing
    assert "brand_template" not in listing or "模板" in listing

    response = staff_client.post(
        "/admin/tenants/brand/", {"action": "suspend", "_selected_action": [alpha.brand.pk]}, follow=True
    )
    assert response.status_code == 200
    alpha.brand.refresh_from_db()
    assert alpha.brand.status == Brand.Status.SUSPENDED
    assert Brand.objects.get(pk=beta.brand.pk).status == Brand.Status.ACTIVE


def test_platform_admin_is_for_platform_staff_only(alpha):
    # A brand admin's credentials mean nothing on the public site: their user lives in the brand's schema.
    client = Client(HTTP_HOST="localhost")
    refused = client.post("/admin/login/", {"username": "admin@alpha.test", "password": "Correct-Horse-42"})
    assert refused.status_code == 200 and refused.context["form"].errors
    assert client.get("/admin/tenants/brand/").status_code == 302


def test_brand_admin_site_shows_only_its_own_people(alpha, beta):
    admin = alpha.client("admin")
    body = admin.get("/admin/accounts/user/").content.decode()
    assert "admin@alpha.test" in body and "admin@beta.test" not in body
    assert admin.get("/admin/organisation/team/").status_code == 200
    assert alpha.client("ops").get("/admin/").status_code == 403
