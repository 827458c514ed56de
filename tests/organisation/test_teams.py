import pytest
from django.core.exceptions import ValidationError

from apps.organisation.models import Team
from apps.organisation.roles import Role
from apps.organisation.services import person_create, team_create, team_delete, team_update


def test_teams_nest_store_under_region(alpha):
    admin = alpha.client("admin")
    admin.post("/teams/new/", {"name": "华东大区", "kind": "region"})
    with alpha:
        region = Team.objects.get(name="华东大区")
    response = admin.post("/teams/new/", {"name": "上海店", "kind": "store", "parent": region.pk})
    assert response.status_code == 302
    tree = admin.get("/teams/").context["tree"]
    assert [(team.name, depth) for team, depth in tree if team.name in {"华东大区", "上海店"}] == [
        ("华东大区", 0),
        ("上海店", 1),
    ]


def test_a_store_cannot_be_a_parent_and_cycles_are_refused(alpha):
    with alpha:
        store = team_create(name="门店A", kind=Team.Kind.STORE)
        with pytest.raises(ValidationError, match="上级只能是大区"):
            team_create(name="门店B", kind=Team.Kind.STORE, parent=store)
        outer = team_create(name="大区X", kind=Team.Kind.REGION)
        inner = team_create(name="大区Y", kind=Team.Kind.REGION, parent=outer)
        with pytest.raises(ValidationError):
            team_update(team=outer, name="大区X", kind=Team.Kind.REGION, parent=inner)


def test_team_form_shows_service_errors_on_the_field(alpha):
    with alpha:
        store = team_create(name="门店C", kind=Team.Kind.STORE)
    response = alpha.client("admin").post("/teams/new/", {"name": "子店", "kind": "store", "parent": store.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["parent"]


def test_duplicate_team_name_under_the_same_parent_is_refused(alpha):
    with alpha:
        team_create(name="同名店", kind=Team.Kind.STORE)
        with pytest.raises(ValidationError):
            team_create(name="同名店", kind=Team.Kind.STORE)


def test_a_team_with_members_cannot_be_deleted(alpha):
    with alpha:
        store = team_create(name="有人店", kind=Team.Kind.STORE)
        person_create(email="m@alpha.test", full_name="成员", roles=[Role.SALES_REP], team=store)
        with pytest.raises(ValidationError, match="还有成员"):
            team_delete(team=store)
    response = alpha.client("admin").post(f"/teams/{store.pk}/delete/", follow=True)
    assert "还有成员" in response.content.decode()
