import re

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context, schema_exists

from apps.accounts.models import User
from apps.signup.services import brand_create
from apps.tenants.models import Brand, Domain

GOOD = {
    "name": "小红花",
    "slug": "xiaohonghua",
    "time_zone": "Asia/Shanghai",
    "currency": "CNY",
    "admin_name": "王芳",
    "admin_email": "Wang.Fang@Example.com",
    "admin_password": "Xhh-sunrise-2026",
}


def _signup(public_client, **changes):
    return public_client.post("/signup/", {**GOOD, **changes})


def test_signup_form_creates_schema_domain_and_admin_and_lands_logged_in(public_client):
    response = _signup(public_client)

    assert response.status_code == 302
    brand = Brand.objects.get(slug="xiaohonghua")
    assert response["Location"].startswith("http://xiaohonghua.localhost:8000/accounts/handoff/?token=")
    assert schema_exists(brand.schema_name)
    assert Domain.objects.get(tenant=brand).domain == "xiaohonghua.localhost"
    assert (brand.time_zone, brand.currency, brand.plan.code) == ("Asia/Shanghai", "CNY", "trial")
    with schema_context(brand.schema_name):
        admin = User.objects.get()
        assert (admin.email, admin.full_name, admin.roles) == ("wang.fang@example.com", "王芳", ["brand_admin"])
        assert admin.check_password(GOOD["admin_password"])

    # Following the redirect on the brand's own host logs the admin in, on their home page.
    from django.test import Client

    brand_client = Client(HTTP_HOST="xiaohonghua.localhost")
    landed = brand_client.get(response["Location"].split(":8000")[1], follow=True)
    assert landed.redirect_chain[-1][0] == "/home/admin/"
    assert "王芳" in landed.content.decode()

    # The token works once.
    again = Client(HTTP_HOST="xiaohonghua.localhost").get(response["Location"].split(":8000")[1])
    assert again.status_code == 400


def test_handoff_token_for_one_brand_is_refused_on_another(public_client, beta):
    response = _signup(public_client)
    path = response["Location"].split(":8000")[1]
    stolen = beta.client().get(path)
    assert stolen.status_code == 400
    assert "_auth_user_id" not in beta.client().session


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"slug": "www"}, "slug", "保留名称"),
        ({"slug": "admin"}, "slug", "保留名称"),
        ({"slug": "api"}, "slug", "保留名称"),
        ({"slug": "public"}, "slug", "保留名称"),
        ({"slug": "static"}, "slug", "保留名称"),
        ({"slug": "Hello World"}, "slug", "只能包含"),
        ({"slug": "品牌"}, "slug", "只能包含"),
        ({"slug": "a_b"}, "slug", "只能包含"),
        ({"slug": "-abc"}, "slug", "只能包含"),
        ({"slug": "x"}, "slug", "只能包含"),
        ({"slug": "a" * 31}, "slug", "最多 30 个字符"),
        ({"admin_password": "12345678"}, "admin_password", ""),
        ({"admin_password": "password123"}, "admin_password", "太常见"),
        ({"admin_password": "short1!"}, "admin_password", "密码太短：至少要 10 个字符"),
        ({"admin_email": "not-an-email"}, "admin_email", ""),
        ({"name": ""}, "name", ""),
        ({"time_zone": "Mars/Olympus"}, "time_zone", ""),
    ],
)
def test_bad_signup_gets_field_errors_and_creates_nothing(public_client, changes, field, message):
    brands_before = Brand.objects.count()
    response = _signup(public_client, **changes)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert Brand.objects.count() == brands_before
    assert not schema_exists("brand_xiaohonghua")


def test_duplicate_slug_is_refused_with_a_field_error(public_client, alpha):
    response = _signup(public_client, slug="alpha")
    assert "已被使用" in " ".join(response.context["form"].errors["slug"])
    assert Brand.objects.filter(slug="alpha").count() == 1


def test_signup_api_creates_a_brand_and_returns_its_login_link(public_client):
    response = public_client.post("/api/v1/signup/", {**GOOD, "slug": "api-brand"}, content_type="application/json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["url"] == "http://api-brand.localhost:8000/"
    assert body["login_url"].startswith("http://api-brand.localhost:8000/accounts/handoff/?token=")
    assert "admin_password" not in body
    assert schema_exists(body["schema_name"])


def test_signup_api_reports_every_bad_field_with_400(public_client, alpha):
    bad = {**GOOD, "slug": "alpha", "admin_password": "123", "admin_email": "nope"}
    response = public_client.post("/api/v1/signup/", bad, content_type="application/json")

    assert response.status_code == 400
    assert set(response.json()) >= {"slug", "admin_password", "admin_email"}
    assert Brand.objects.filter(slug="alpha").count() == 1


def test_failure_midway_leaves_no_schema_or_row(db, monkeypatch):
    """If the admin cannot be created, the brand row, domain and schema are rolled back too."""
    from apps.signup import services

    def explode(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "person_create", explode)
    with pytest.raises(RuntimeError):
        brand_create(
            name="半成品",
            slug="halfdone",
            admin_name="x",
            admin_email="x@example.com",
            admin_password="Xhh-sunrise-2026",
        )
    connection.set_schema_to_public()
    assert not Brand.objects.filter(slug="halfdone").exists()
    assert not Domain.objects.filter(domain="halfdone.localhost").exists()
    assert not schema_exists("brand_halfdone")


def test_public_site_pages_render(public_client):
    for path in ["/", "/pricing/", "/signup/", "/api/docs/"]:
        assert public_client.get(path).status_code == 200, path
    assert "团队版" in public_client.get("/pricing/").content.decode()


def test_unknown_brand_host_is_404(db):
    from django.test import Client

    assert Client(HTTP_HOST="nosuchbrand.localhost").get("/").status_code == 404


def test_signups_from_one_address_are_limited_on_the_form_and_the_api(public_client, settings):
    settings.SIGNUP_RATE_PER_ADDRESS = "2/hour"
    assert _signup(public_client, slug="first-one", admin_email="a1@example.com").status_code == 302
    assert _signup(public_client, slug="second-one", admin_email="a2@example.com").status_code == 302
    refused = _signup(public_client, slug="third-one", admin_email="a3@example.com")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "注册太频繁" in refused.content.decode()
    api = public_client.post("/api/v1/signup/", {**GOOD, "slug": "fourth-one"}, content_type="application/json")
    assert api.status_code == 429 and int(api["Retry-After"]) > 0 and "注册太频繁" in api.json()["detail"]
    assert not Brand.objects.filter(slug__in=["third-one", "fourth-one"]).exists()
    elsewhere = _signup(Client(HTTP_HOST="localhost", REMOTE_ADDR="10.9.8.7"), slug="third-one", admin_email="a3@x.cn")
    assert elsewhere.status_code == 302


def test_one_email_gets_few_brands_whatever_the_address_or_letter_case(public_client, settings):
    settings.SIGNUP_RATE_PER_EMAIL = "1/day"
    assert _signup(public_client, slug="mine-one").status_code == 302
    other = Client(HTTP_HOST="localhost", REMOTE_ADDR="10.9.8.6")
    refused = _signup(other, slug="mine-two", admin_email=GOOD["admin_email"].upper())
    assert refused.status_code == 429 and not Brand.objects.filter(slug="mine-two").exists()


def test_a_signup_body_that_is_not_an_object_is_a_400(public_client):
    for body in ("[1, 2]", '"text"', "42", "null"):
        response = public_client.post("/api/v1/signup/", body, content_type="application/json")
        assert response.status_code == 400, body
        assert "non_field_errors" in response.json(), body


def test_with_confirmation_on_an_unconfirmed_brand_is_purged_after_a_day(
    public_client, settings, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.core import mail
    from django.utils import timezone

    from apps.brand_data.services.deletion import brands_purge_due

    settings.SIGNUP_EMAIL_CONFIRMATION = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        kept = _signup(public_client, slug="kept-brand", admin_email="kept@example.com")
        dropped = _signup(public_client, slug="dropped-brand", admin_email="dropped@example.com")
    assert kept.status_code == dropped.status_code == 302
    brand = Brand.objects.get(slug="kept-brand")
    assert timedelta(hours=23) < brand.confirm_email_by - timezone.now() <= timedelta(hours=24)
    assert sorted(m.to[0] for m in mail.outbox) == ["dropped@example.com", "kept@example.com"]
    [letter] = [m for m in mail.outbox if m.to == ["kept@example.com"]]
    link = re.search(r"http://localhost:8000(/signup/confirm/\S+/)", letter.body).group(1)

    home = Client(HTTP_HOST="kept-brand.localhost").get(kept["Location"].split(":8000")[1], follow=True)
    assert "确认管理员邮箱" in home.content.decode()  # the banner says what will happen

    confirmed = public_client.get(link)
    assert confirmed.status_code == 200 and "邮箱已确认" in confirmed.content.decode()
    assert public_client.get(link.replace("/confirm/", "/confirm/x")).status_code == 400

    assert brands_purge_due(now=timezone.now() + timedelta(hours=1)) == []
    with connection.cursor() as cursor:  # the test's transaction holds deferred audit-log checks
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert brands_purge_due(now=timezone.now() + timedelta(hours=25)) == ["dropped-brand"]
    assert list(Brand.objects.filter(slug__in=["kept-brand", "dropped-brand"]).values_list("slug", flat=True)) == [
        "kept-brand"
    ]
    assert not schema_exists("brand_dropped_brand")


def test_the_industry_chosen_at_signup_brings_its_competitors_and_promises(public_client):
    from apps.compliance.models import Rule
    from apps.compliance.services.scanning import ruleset_current

    assert _signup(public_client, name="飞鹤母婴旗舰", industry="baby").status_code == 302
    brand = Brand.objects.get(slug="xiaohonghua")
    assert brand.industry == "baby"
    with schema_context(brand.schema_name):
        competitor = Rule.objects.get(category="competitor")
        assert {"爱他美", "美赞臣", "君乐宝"} <= set(competitor.keywords)
        assert "飞鹤" not in competitor.keywords  # the brand's own name is not a competitor
        rules = ruleset_current()

        def categories(text):
            return {hit.rule.category for hit in rules.scan(text, "rep")}

        assert "competitor" in categories("爱他美那边现在做活动，比我们便宜")
        assert "forbidden_promise" in categories("喝我们这款奶粉保证长高，还能提高免疫力")
        assert categories("宝宝最近睡得好吗？有问题随时找我") == set()


def test_signing_up_without_an_industry_keeps_the_general_pack(public_client):
    assert _signup(public_client).status_code == 302  # the field may be left out (API clients)
    brand = Brand.objects.get(slug="xiaohonghua")
    assert brand.industry == "other"
    with schema_context(brand.schema_name):
        from apps.compliance.models import Rule

        assert Rule.objects.get(category="competitor").keywords == []
    assert _signup(public_client, slug="another", industry="cars").status_code == 200  # unknown: a field error
