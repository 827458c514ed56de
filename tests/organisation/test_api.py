from apps.accounts.models import User
from apps.organisation.models import ApiKey, Team
from apps.organisation.roles import Role
from apps.organisation.services import api_key_create


def _key(brand, roles=(Role.BRAND_ADMIN,)):
    with brand:
        return api_key_create(name="集成", roles=list(roles), created_by=None)


def test_people_and_teams_are_writable_through_the_api_with_a_key(alpha):
    _api_key, secret = _key(alpha)
    api = alpha.client(HTTP_AUTHORIZATION=f"Api-Key {secret}")

    team = api.post("/api/v1/teams/", {"name": "深圳店", "kind": "store"}, content_type="application/json")
    assert team.status_code == 201, team.content
    person = api.post(
        "/api/v1/people/",
        {
            "email": "api@alpha.test",
            "full_name": "接口员工",
            "roles": ["sales_rep", "designer"],
            "team": team.json()["id"],
        },
        content_type="application/json",
    )
    assert person.status_code == 201, person.content
    assert person.json()["team"] == team.json()["id"]
    assert person.json()["roles"] == ["sales_rep", "designer"]

    pk = person.json()["id"]
    moved = api.patch(f"/api/v1/people/{pk}/", {"team": None, "roles": ["designer"]}, content_type="application/json")
    assert moved.json()["team"] is None and moved.json()["roles"] == ["designer"]
    assert api.post(f"/api/v1/people/{pk}/deactivate/").status_code == 204
    assert api.get(f"/api/v1/people/{pk}/").json()["is_active"] is False


def test_api_validation_errors_are_400_with_field_messages(alpha):
    _api_key, secret = _key(alpha)
    api = alpha.client(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    bad = api.post(
        "/api/v1/people/",
        {"email": "rep@alpha.test", "full_name": "x", "roles": ["king"]},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "roles" in bad.json()
    dup = api.post(
        "/api/v1/people/",
        {"email": "REP@alpha.test", "full_name": "x", "roles": ["sales_rep"]},
        content_type="application/json",
    )
    assert dup.status_code == 400 and "email" in dup.json()
    with alpha:
        assert User.objects.filter(email="rep@alpha.test").count() == 1


def test_ops_manager_reads_but_cannot_write(alpha):
    ops = alpha.client("ops")
    assert ops.get("/api/v1/people/").status_code == 200
    assert ops.get("/api/v1/roles/").status_code == 200
    assert ops.post("/api/v1/teams/", {"name": "x", "kind": "store"}).status_code == 403


def test_roles_endpoint_lists_every_role_with_its_capabilities(alpha):
    roles = alpha.client("admin").get("/api/v1/roles/").json()
    assert {r["code"] for r in roles} == set(Role.values)
    rep = next(r for r in roles if r["code"] == "sales_rep")
    assert rep["capabilities"] == ["daily_logs.file", "home.rep", "kpis.view_own", "leaderboards.view"]


def test_api_key_is_shown_once_stored_hashed_tracks_use_and_can_be_revoked(alpha):
    admin = alpha.client("admin")
    page = admin.post("/settings/api-keys/", {"name": "企业微信同步", "roles": ["brand_admin"]})
    secret = page.context["secret"]
    assert secret in page.content.decode()
    assert secret not in admin.get("/settings/api-keys/").content.decode()  # never again
    with alpha:
        key = ApiKey.objects.get(name="企业微信同步")
        assert secret.split(".")[1] not in key.hashed_key and key.hashed_key.startswith("sha512$$")
        assert key.last_used_at is None

    api = alpha.client(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    assert api.get("/api/v1/teams/").status_code == 200
    with alpha:
        key.refresh_from_db()
        assert key.last_used_at is not None

    admin.post(f"/settings/api-keys/{key.prefix}/revoke/")
    assert api.get("/api/v1/teams/").status_code == 401


def test_a_wrong_or_malformed_key_is_401(alpha):
    for header in ["Api-Key nope", "Api-Key ", "Api-Key abc.def", "Api-Key 🙂.🙂"]:
        assert alpha.client(HTTP_AUTHORIZATION=header).get("/api/v1/teams/").status_code == 401


def test_openapi_schema_describes_the_endpoints(alpha, public_client):
    schema = alpha.client().get("/api/schema/?format=json").json()
    assert {"/api/v1/people/", "/api/v1/teams/{id}/", "/api/v1/roles/"} <= set(schema["paths"])
    public = public_client.get("/api/schema/?format=json").json()
    assert "/api/v1/signup/" in public["paths"]
    assert alpha.client().get("/api/docs/").status_code == 200


def test_team_api_refuses_a_store_as_parent(alpha):
    _api_key, secret = _key(alpha)
    api = alpha.client(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    with alpha:
        store = Team.objects.create(name="店", kind=Team.Kind.STORE)
    response = api.post(
        "/api/v1/teams/", {"name": "子", "kind": "store", "parent": store.pk}, content_type="application/json"
    )
    assert response.status_code == 400 and "parent" in response.json()


def test_a_weak_password_through_the_api_is_a_password_field_error(alpha):
    _api_key, secret = _key(alpha)
    api = alpha.client(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    response = api.post(
        "/api/v1/people/",
        {"email": "weak@alpha.test", "full_name": "弱", "roles": ["sales_rep"], "password": "12345678"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "password" in response.json()
    with alpha:
        assert not User.objects.filter(email="weak@alpha.test").exists()


def test_a_persons_email_language_is_set_through_the_api_and_checked(alpha):
    _api_key, secret = _key(alpha)
    api = alpha.client(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    with alpha:
        pk = User.objects.get(email="ops@alpha.test").pk
    assert api.get(f"/api/v1/people/{pk}/").json()["language"] == ""
    changed = api.patch(f"/api/v1/people/{pk}/", {"language": "en"}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["language"] == "en"
    bad = api.patch(f"/api/v1/people/{pk}/", {"language": "xx"}, content_type="application/json")
    assert bad.status_code == 400 and "language" in bad.json()
    with alpha:
        assert User.objects.get(pk=pk).language == "en"
