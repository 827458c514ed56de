"""Reads on the organisation: querysets with what each screen needs loaded in one go."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet

from apps.organisation.models import ApiKey, Membership, Team
from apps.organisation.roles import Role
from apps.tenants.selectors import current_brand

User = get_user_model()


def people_list(
    *, search: str = "", team_id: int | None = None, role: str = "", active: bool | None = True
) -> QuerySet:
    people = User.objects.select_related("membership__team")
    if active is not None:
        people = people.filter(is_active=active)
    if search:
        people = people.filter(
            Q(full_name__icontains=search)
            | Q(email__icontains=search)
            | Q(employee_no__icontains=search)
            | Q(phone__icontains=search)
        )
    if team_id:
        people = people.filter(Q(membership__team_id=team_id) | Q(membership__team__parent_id=team_id))
    if role:
        people = people.filter(roles__contains=[role])
    return people.order_by("name_sort", "id")


def teams_tree() -> list[tuple[Team, int]]:
    """Every team with its depth, parents before children, each with member counts."""
    teams = list(
        Team.objects.select_related("leader", "parent")
        .annotate(member_count=Count("memberships", filter=Q(memberships__person__is_active=True)))
        .order_by("name")
    )
    children: dict[int | None, list[Team]] = {}
    for team in teams:
        children.setdefault(team.parent_id, []).append(team)
    ordered: list[tuple[Team, int]] = []

    def walk(parent_id, depth):
        for team in children.get(parent_id, []):
            ordered.append((team, depth))
            walk(team.pk, depth + 1)

    walk(None, 0)
    return ordered


@dataclass(frozen=True)
class Seats:
    used: int
    limit: int | None  # None: the plan has no limit
    plan: str


def seats() -> Seats:
    """Active people against the brand's plan."""
    plan = current_brand().plan
    used = User.objects.filter(is_active=True).count()
    return Seats(used, plan.max_people if plan else None, plan.name if plan else "")


def regions() -> QuerySet:
    return Team.objects.filter(kind=Team.Kind.REGION).order_by("name")


def api_keys_list() -> QuerySet:
    return ApiKey.objects.select_related("created_by").order_by("revoked", "-created")


def is_last_admin(person) -> bool:
    """Whether removing this person's admin role would leave the brand without an active admin."""
    if Role.BRAND_ADMIN not in person.roles or not person.is_active:
        return False
    others = User.objects.filter(is_active=True, roles__contains=[Role.BRAND_ADMIN]).exclude(pk=person.pk)
    return not others.exists()


def team_subtree_ids(team_ids) -> set[int]:
    """The teams given and every team below them (regions hold stores; two levels at most)."""
    found = set(team_ids)
    frontier = set(found)
    while frontier:
        frontier = set(Team.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return found


def member_ids_of_teams(team_ids) -> set[int]:
    """People belonging to the teams given or any team below them."""
    subtree = team_subtree_ids(team_ids)
    return set(Membership.objects.filter(team_id__in=subtree).values_list("person_id", flat=True))


def team_members_map() -> dict[int, frozenset[int]]:
    """Every team's people, its sub-teams' included, in two queries."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Team.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    direct: dict[int, set[int]] = {}
    for person_id, team_id in Membership.objects.values_list("person_id", "team_id"):
        direct.setdefault(team_id, set()).add(person_id)

    def collect(team_id: int) -> frozenset[int]:
        found = set(direct.get(team_id, ()))
        for child in children.get(team_id, ()):
            found |= collect(child)
        return frozenset(found)

    return {pk: collect(pk) for ids in children.values() for pk in ids}


def led_team_ids(person) -> set[int]:
    """Teams a person leads, with everything below them."""
    return team_subtree_ids(Team.objects.filter(leader=person).values_list("pk", flat=True))


def person_ids_by_ref(refs) -> dict[str, int]:
    """People named the way integrations name them: employee number (工号) or email, any case."""
    refs = set(refs)
    if not refs:
        return {}
    found: dict[str, int] = {}
    lowered = {ref.lower() for ref in refs}
    for pk, employee_no, email in User.objects.filter(Q(employee_no__in=refs) | Q(email__in=lowered)).values_list(
        "pk", "employee_no", "email"
    ):
        if employee_no:
            found[employee_no] = pk
        found[email] = pk
    return {
        ref: found[ref] if ref in found else found[ref.lower()] for ref in refs if ref in found or ref.lower() in found
    }


def active_rep_ids() -> frozenset[int]:
    """The people whose targets add up to a team's: active sales reps."""
    return frozenset(User.objects.filter(is_active=True, roles__contains=[Role.SALES_REP]).values_list("pk", flat=True))


def leads_of(person_ids) -> dict[int, int]:
    """Each person's lead: the leader of their team, or of the team above it when they lead it
    themselves or it has no leader. People with nobody above them are left out."""
    teams = {
        pk: (parent_id, leader_id)
        for pk, parent_id, leader_id in Team.objects.values_list("pk", "parent_id", "leader_id")
    }
    leads: dict[int, int] = {}
    for person_id, team_id in Membership.objects.filter(person_id__in=person_ids).values_list("person_id", "team_id"):
        while team_id is not None:
            parent_id, leader_id = teams[team_id]
            if leader_id is not None and leader_id != person_id:
                leads[person_id] = leader_id
                break
            team_id = parent_id
    return leads
