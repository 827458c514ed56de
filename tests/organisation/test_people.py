import pytest
from django.core.exceptions import ValidationError

from apps.accounts.models import User
from apps.organisation.models import Team
from apps.organisation.roles import Role
from apps.organisation.services import person_create, person_deactivate, person_update, team_create
from tests.conftest import PASSWORD


def test_admin_creates_a_person_with_several_roles_and_a_team(alpha):
    with alpha:
        store = team_create(name="南京路店", kind=Team.Kind.STORE)
    response = alpha.client("admin").post(
        "/people/new/",
        {
            "full_name": "李娜",
            "email": "li.na@alpha.test",
            "roles": [Role.COPYWRITER, Role.DESIGNER],
            "team": store.pk,
            "password": "Lina-writes-2026",
        },
    )
    assert response.status_code == 302
    with alpha:
        person = User.objects.select_related("membership__team").get(email="li.na@alpha.test")
        assert person.roles == [Role.COPYWRITER, Role.DESIGNER]
        assert person.membership.team == store
        assert person.check_password("Lina-writes-2026")


def test_inviting_without_password_shows_a_link_that_sets_it(alpha):
    admin = alpha.client("admin")
    response = admin.post(
        "/people/new/", {"full_name": "赵敏", "email": "zhao@alpha.test", "roles": [Role.SALES_REP]}, follow=True
    )
    body = response.content.decode()
    link = body.split("/accounts/set-password/")[1].split(" ")[0].split("<")[0]
    with alpha:
        assert not User.objects.get(email="zhao@alpha.test").has_usable_password()

    invited = alpha.client()
    form_page = invited.get(f"/accounts/set-password/{link}", follow=True)
    assert form_page.status_code == 200
    done = invited.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Zhao-min-2026!", "new_password2": "Zhao-min-2026!"},
        follow=True,
    )
    assert done.redirect_chain[-1][0] == "/home/rep/"
    with alpha:
        assert User.objects.get(email="zhao@alpha.test").check_password("Zhao-min-2026!")


def test_duplicate_email_in_the_same_brand_is_a_field_error(alpha):
    response = alpha.client("admin").post(
        "/people/new/", {"full_name": "重复", "email": "REP@alpha.test", "roles": [Role.SALES_REP]}
    )
    assert response.status_code == 200
    assert "已被本品牌的其他人员使用" in " ".join(response.context["form"].errors["email"])


def test_the_same_email_may_exist_in_two_brands(alpha, beta):
    with beta:
        person = person_create(email="admin@alpha.test", full_name="同邮箱", roles=[Role.SALES_REP])
    assert person.pk


def test_weak_password_is_a_field_error_and_nothing_is_created(alpha):
    response = alpha.client("admin").post(
        "/people/new/",
        {"full_name": "弱密码", "email": "weak@alpha.test", "roles": [Role.SALES_REP], "password": "123456"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    with alpha:
        assert not User.objects.filter(email="weak@alpha.test").exists()


def test_deactivating_keeps_the_person_and_blocks_login(alpha):
    admin = alpha.client("admin")
    response = admin.post(f"/people/{alpha.rep_id}/deactivate/", follow=True)
    assert "已停用" in response.content.decode()
    with alpha:
        rep = User.objects.get(pk=alpha.rep_id)
        assert rep.is_active is False and rep.deactivated_at is not None
    login = alpha.client().post("/accounts/login/", {"username": "rep@alpha.test", "password": PASSWORD})
    assert login.status_code == 200  # refused
    assert "rep@alpha.test" not in admin.get("/people/").content.decode()
    assert "rep@alpha.test" in admin.get("/people/?status=inactive").content.decode()


def test_people_cannot_be_deleted_through_any_door(alpha):
    admin = alpha.client("admin")
    assert admin.delete(f"/api/v1/people/{alpha.rep_id}/").status_code == 405
    assert admin.post(f"/admin/accounts/user/{alpha.rep_id}/delete/").status_code == 403
    with alpha:
        assert User.objects.filter(pk=alpha.rep_id).exists()


def test_the_last_brand_admin_cannot_be_removed_or_deactivated(alpha):
    with alpha:
        admin = User.objects.get(pk=alpha.admin_id)
        ops = User.objects.get(pk=alpha.ops_id)
        with pytest.raises(ValidationError, match="至少需要一位"):
            person_update(person=admin, roles=[Role.OPS_MANAGER])
        with pytest.raises(ValidationError, match="至少需要一位"):
            person_deactivate(person=admin, actor=ops)
        with pytest.raises(ValidationError, match="不能停用自己"):
            person_deactivate(person=admin, actor=admin)


def test_people_list_filters_and_loads_in_constant_queries(alpha, django_assert_max_num_queries):
    with alpha:
        store = team_create(name="杭州店", kind=Team.Kind.STORE)
        for i in range(30):
            person_create(email=f"p{i}@alpha.test", full_name=f"导购{i:02d}", roles=[Role.SALES_REP], team=store)
    admin = alpha.client("admin")
    admin.get("/people/")  # warm the session
    with django_assert_max_num_queries(12):
        response = admin.get(f"/people/?team={store.pk}")
    assert response.context["paginator"].count == 30
    assert admin.get("/people/?q=导购07").context["paginator"].count == 1
    assert admin.get("/people/?role=ops_manager").context["paginator"].count == 1


def test_read_only_roles_see_people_without_the_actions_they_cannot_take(alpha):
    page = alpha.client("ops").get("/people/").content.decode()
    assert "rep@alpha.test" in page
    assert "/people/new/" not in page and "/deactivate/" not in page
    admin_page = alpha.client("admin").get("/people/").content.decode()
    assert "/people/new/" in admin_page
    assert f"/people/{alpha.rep_id}/deactivate/" in admin_page
    assert f"/people/{alpha.admin_id}/deactivate/" not in admin_page  # not oneself


def test_people_are_listed_in_pinyin_order(alpha):
    with alpha:
        for name in ["张伟", "阿明", "王芳"]:
            person_create(email=f"{name}@pinyin.test", full_name=name, roles=[Role.DESIGNER])
    names = [p.full_name for p in alpha.client("admin").get("/people/?role=designer").context["people"]]
    assert names == ["阿明", "王芳", "张伟"]
    with alpha:
        person = User.objects.get(full_name="阿明")
        person_update(person=person, full_name="周明")
    names = [p.full_name for p in alpha.client("admin").get("/people/?role=designer").context["people"]]
    assert names == ["王芳", "张伟", "周明"]


def test_an_admin_sets_the_language_a_person_gets_emails_in(alpha):
    with alpha:
        ops = User.objects.get(email="ops@alpha.test")
    admin = alpha.client("admin")
    form = admin.get(f"/people/{ops.pk}/").content.decode()
    assert 'name="language"' in form
    fields = {"full_name": ops.full_name, "email": ops.email, "roles": ops.roles, "language": "en"}
    assert admin.post(f"/people/{ops.pk}/", fields).status_code == 302
    with alpha:
        assert User.objects.get(pk=ops.pk).language == "en"
    refused = admin.post(f"/people/{ops.pk}/", {**fields, "language": "xx"})
    assert refused.status_code == 200 and "language" in refused.context["form"].errors
    with alpha:
        assert User.objects.get(pk=ops.pk).language == "en"


@pytest.fixture
def full_plan(alpha):
    """alpha on a plan with exactly as many seats as it has active people, and one who left."""
    from apps.tenants.models import Brand, Plan

    with alpha:
        gone = person_create(email="gone@alpha.test", full_name="离职的人", roles=[Role.SALES_REP])
        person_deactivate(person=gone)
        seats = User.objects.filter(is_active=True).count()
    plan = Plan.objects.create(code="tiny", name="小团队版", max_people=seats)
    Brand.objects.filter(pk=alpha.brand.pk).update(plan=plan)
    return gone


def test_a_full_plan_refuses_a_new_person_everywhere_with_the_reason(alpha, full_plan):
    import json

    admin = alpha.client("admin")
    people = admin.get("/people/").content.decode()
    assert "在职 " in people and "（小团队版）" in people
    page = admin.post("/people/new/", {"full_name": "多一人", "email": "one@alpha.test", "roles": [Role.SALES_REP]})
    assert page.status_code == 200 and "“小团队版”套餐最多" in page.content.decode()
    api = admin.post(
        "/api/v1/people/",
        json.dumps({"full_name": "多一人", "email": "one@alpha.test", "roles": [Role.SALES_REP]}),
        content_type="application/json",
    )
    assert api.status_code == 400 and "名额已满" in json.dumps(api.json(), ensure_ascii=False)
    back = admin.post(f"/people/{full_plan.pk}/reactivate/", follow=True)
    assert "名额已满" in back.content.decode()
    assert admin.post(f"/api/v1/people/{full_plan.pk}/reactivate/").status_code == 400
    with alpha:
        assert not User.objects.filter(email="one@alpha.test").exists()
        assert not User.objects.get(pk=full_plan.pk).is_active
        ops = User.objects.get(pk=alpha.ops_id)
        person_deactivate(person=ops)  # a seat frees up
    assert admin.post(f"/api/v1/people/{full_plan.pk}/reactivate/").status_code == 204


def test_a_directory_sync_past_the_plan_reports_who_was_left_out(alpha, full_plan):
    from collections import Counter

    from apps.wecom.services.directory import member_store

    errors: list[str] = []
    with alpha:
        member_store({"userid": "zhangsan", "name": "张三"}, counts=Counter(), errors=errors, teams={})
        assert not User.objects.filter(full_name="张三").exists()
    assert errors and errors[0].startswith("zhangsan:") and "名额已满" in errors[0]
