"""Brand A's people, sessions, keys and data never reach brand B."""

from apps.organisation.models import Team
from apps.organisation.roles import Role
from apps.organisation.services import api_key_create, person_create, team_create
from tests.conftest import PASSWORD


def test_a_person_of_brand_a_cannot_log_in_on_brand_b(alpha, beta):
    response = beta.client().post("/accounts/login/", {"username": "admin@alpha.test", "password": PASSWORD})

    assert response.status_code == 200  # the form again, with an error
    assert "邮箱或密码不正确" in response.content.decode()
    assert "_auth_user_id" not in response.client.session


def test_a_person_logs_in_on_their_own_brand(alpha):
    response = alpha.client().post("/accounts/login/", {"username": "Admin@Alpha.test", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_brand_a_session_cookie_is_not_accepted_on_brand_b(alpha, beta):
    a_client = alpha.client("admin")
    session_id = a_client.cookies["sessionid"].value
    assert a_client.get("/people/").status_code == 200

    b_client = beta.client()
    b_client.cookies["sessionid"] = session_id
    # beta has a user with the same id as alpha's admin: the session must still not log them in.
    assert b_client.get("/people/").status_code == 302
    assert b_client.get("/api/v1/people/").status_code == 401  # anonymous there


def test_brand_a_api_key_is_rejected_on_brand_b(alpha, beta):
    with alpha:
        _key, secret = api_key_create(name="ERP", roles=[Role.BRAND_ADMIN], created_by=None)
    headers = {"HTTP_AUTHORIZATION": f"Api-Key {secret}"}

    assert alpha.client().get("/api/v1/people/", **headers).status_code == 200
    assert beta.client().get("/api/v1/people/", **headers).status_code == 401


def test_guessing_ids_on_brand_b_never_shows_brand_a_data(alpha, beta):
    with alpha:
        team = team_create(name="阿尔法独有门店", kind=Team.Kind.STORE)
        person = person_create(email="secret@alpha.test", full_name="阿尔法机密员工", roles=[Role.SALES_REP], team=team)
    b_admin = beta.client("admin")
    marker_strings = ["阿尔法独有门店", "阿尔法机密员工", "secret@alpha.test"]
    paths = [
        f"/people/{person.pk}/",
        f"/teams/{team.pk}/",
        "/people/?status=all",
        "/teams/",
        f"/api/v1/people/{person.pk}/",
        f"/api/v1/teams/{team.pk}/",
        "/api/v1/people/",
        "/api/v1/teams/",
        f"/admin/accounts/user/{person.pk}/change/",
        f"/admin/organisation/team/{team.pk}/change/",
        "/admin/accounts/user/",
        "/admin/organisation/team/",
    ]
    for path in paths:
        response = b_admin.get(path, follow=True)
        body = response.content.decode()
        assert not any(marker in body for marker in marker_strings), path
    # ids that only exist in alpha are simply not found on beta
    with beta:
        assert not Team.objects.filter(pk=team.pk, name="阿尔法独有门店").exists()


def test_brand_b_admin_cannot_edit_brand_a_person_through_the_api(alpha, beta):
    with alpha:
        person = person_create(email="keep@alpha.test", full_name="不能被改", roles=[Role.SALES_REP])
    b_admin = beta.client("admin")
    b_admin.patch(f"/api/v1/people/{person.pk}/", {"full_name": "被改了"}, content_type="application/json")
    with alpha:
        person.refresh_from_db()
        assert person.full_name == "不能被改"
