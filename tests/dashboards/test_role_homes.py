import pytest

from apps.accounts.models import User
from apps.organisation.roles import Role
from apps.organisation.services import person_create

HOMES = {
    Role.BRAND_ADMIN: "/home/admin/",
    Role.OPS_MANAGER: "/home/ops/",
    Role.ACTIVITY_PLANNER: "/home/planner/",
    Role.COPYWRITER: "/home/copywriter/",
    Role.PRODUCT_OPS: "/home/product/",
    Role.DESIGNER: "/home/designer/",
    Role.SALES_REP: "/home/rep/",
}


@pytest.mark.parametrize("role", list(HOMES))
def test_each_role_lands_on_its_own_home(alpha, role):
    with alpha:
        person = person_create(email=f"{role}@home.test", full_name="某人", roles=[role])
    client = alpha.client()
    with alpha:
        client.force_login(User.objects.get(pk=person.pk))
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == HOMES[role]
    assert str(Role(role).label) in response.content.decode()


def test_a_person_with_several_roles_sees_each_home_and_may_open_them(alpha):
    with alpha:
        person = person_create(email="multi@home.test", full_name="多面手", roles=[Role.COPYWRITER, Role.DESIGNER])
        client = alpha.client()
        client.force_login(User.objects.get(pk=person.pk))
    page = client.get("/home/copywriter/").content.decode()
    assert 'href="/home/designer/"' in page and 'href="/home/copywriter/"' in page
    assert 'href="/people/"' not in page  # no organisation pages for them
    assert client.get("/home/designer/").status_code == 200
    assert client.get("/home/ops/").status_code == 403


def test_a_person_without_roles_is_told_so(alpha):
    with alpha:
        person = person_create(email="none@home.test", full_name="无角色", roles=[])
        client = alpha.client()
        client.force_login(User.objects.get(pk=person.pk))
    assert client.get("/").status_code == 403


def test_pages_speak_chinese_by_default_and_english_when_chosen(alpha):
    client = alpha.client("admin")
    assert "人员" in client.get("/people/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/people/"})
    english = client.get("/people/").content.decode()
    assert "People" in english and 'lang="en"' in english


def test_an_english_browser_still_gets_chinese_until_english_is_chosen(alpha):
    client = alpha.client("admin", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="zh-hans"' in client.get("/people/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/people/"})
    assert 'lang="en"' in client.get("/people/").content.decode()
