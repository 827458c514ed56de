"""The corp's directory kept in step with the brand's organisation: departments → teams, members
→ people. Used by the sync (the whole directory) and by change_contact callbacks (one change).

Teams: the root department is the brand itself; a department with departments under it is a
region (regions nest two levels, so deeper departments hang from the nearest region that may
hold them); any other is a store. A team of the same name under the same parent is taken over
rather than doubled. People: matched by WeCom userid, then email, then mobile; a match keeps its
roles (never overwritten); a new person gets the role the connection names. A member who leaves
is deactivated, never deleted, and their customers go on the handover list."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.organisation.models import Membership, Team
from apps.organisation.services import person_create, person_deactivate, person_reactivate, team_create, team_update
from apps.wecom.models import Connection, Department, Follow, Handover, Member

User = get_user_model()
ROOT_PARENT = 0
REGION_DEPTH = 2  # regions may sit at depth 1 and 2 below the root


def departments_store(rows: Iterable[dict], *, complete: bool, counts: Counter) -> None:
    """Keep the departments WeCom lists (`complete`: the whole list, so others were removed)."""
    seen = set()
    for row in rows:
        dept_id = int(row["id"])
        seen.add(dept_id)
        parent = int(row.get("parentid") or ROOT_PARENT)
        _, created = Department.objects.update_or_create(
            dept_id=dept_id, defaults={"name": str(row.get("name") or dept_id)[:100], "parent_dept_id": parent}
        )
        counts["departments_new" if created else "departments_seen"] += 1
    if complete:
        counts["departments_removed"] += Department.objects.exclude(dept_id__in=seen).delete()[0]


def department_remove(dept_id: int, counts: Counter) -> None:
    counts["departments_removed"] += Department.objects.filter(dept_id=dept_id).delete()[0]


def teams_align(counts: Counter, errors: list[str]) -> None:
    """Give every department below the root its team, with the kind and parent its place says."""
    departments = {d.dept_id: d for d in Department.objects.select_related("team")}
    children: dict[int, list[int]] = {}
    for dept in departments.values():
        children.setdefault(dept.parent_dept_id or ROOT_PARENT, []).append(dept.dept_id)
    roots = [d for d in departments.values() if (d.parent_dept_id or ROOT_PARENT) not in departments]
    # Breadth first: a department's parent has its team before it does.
    queue: list[tuple[int, int, Team | None]] = [
        (child, 1, None) for root in roots for child in sorted(children.get(root.dept_id, []))
    ]
    while queue:
        dept_id, depth, region = queue.pop(0)
        dept = departments[dept_id]
        kind = Team.Kind.REGION if children.get(dept_id) and depth <= REGION_DEPTH else Team.Kind.STORE
        team = _team_for(dept, kind, region, counts, errors)
        below = team if team is not None and team.kind == Team.Kind.REGION else region
        queue.extend((child, depth + 1, below) for child in sorted(children.get(dept_id, [])))


def _team_for(dept: Department, kind: str, parent: Team | None, counts: Counter, errors: list[str]) -> Team | None:
    team = dept.team
    try:
        if team is None:
            team = Team.objects.filter(name=dept.name, parent=parent).first()
            if team is None:
                team = team_create(name=_free_name(dept, parent), kind=kind, parent=parent)
                counts["teams_new"] += 1
            Department.objects.filter(pk=dept.pk).update(team=team)
        elif (team.name, team.kind, team.parent_id) != (dept.name, kind, parent.pk if parent else None):
            team = team_update(
                team=team, name=_free_name(dept, parent, team), kind=kind, parent=parent, leader=team.leader
            )
            counts["teams_updated"] += 1
    except ValidationError as error:
        errors.append(f"{dept.name}: {'; '.join(error.messages)}")
        return team
    return team


def _free_name(dept: Department, parent: Team | None, team: Team | None = None) -> str:
    """The department's name, or with its id when another team under that parent has it."""
    clash = Team.objects.filter(name=dept.name, parent=parent)
    if team is not None:
        clash = clash.exclude(pk=team.pk)
    return f"{dept.name[:80]} ({dept.dept_id})" if clash.exists() else dept.name


def _placeholder_email(userid: str) -> str:
    local = re.sub(r"[^A-Za-z0-9._-]", "-", userid)[:60] or "member"
    email, n = f"{local}@wecom.invalid", 1
    while User.objects.filter(email=email).exists():
        n += 1
        email = f"{local}-{n}@wecom.invalid"
    return email


def _matching_person(row: dict):
    email, mobile = (row.get("email") or "").strip().lower(), (row.get("mobile") or "").strip()
    matches = Q(email=email) if email else Q(pk__in=[])
    if mobile:
        matches |= Q(phone=mobile)
    # People already joined to another member are not taken over.
    candidates = User.objects.filter(matches, wecom_member__isnull=True).order_by("-is_active", "pk")
    return next((p for p in candidates if email and p.email == email), None) or candidates.first()


@transaction.atomic
def member_store(row: dict, *, counts: Counter, errors: list[str], teams: dict[int, int]) -> None:
    """One member as WeCom lists it (user/list item or change_contact fields). `teams`: team ids
    by department id."""
    userid = str(row["userid"])
    name = str(row.get("name") or userid)[:100]
    dept_ids = [int(d) for d in row.get("department") or []]
    main = int(row.get("main_department") or (dept_ids[0] if dept_ids else 0))
    member = Member.objects.select_related("person").filter(userid=userid).first()
    if member is None:
        person = _matching_person(row)
        if person is None:
            connection = Connection.objects.get(pk=1)
            try:
                person = person_create(
                    email=(row.get("email") or "").strip().lower() or _placeholder_email(userid),
                    full_name=name,
                    roles=[connection.new_member_role] if connection.new_member_role else [],
                    phone=(row.get("mobile") or "")[:32],
                    employee_no="" if User.objects.filter(employee_no=userid).exists() else userid[:32],
                )
            except ValidationError as error:
                errors.append(f"{userid}: {'; '.join(error.messages)}")
                return
            counts["people_new"] += 1
        else:
            counts["people_matched"] += 1
        member = Member.objects.create(userid=userid, person=person, name=name, dept_ids=dept_ids)
    else:
        person = member.person
        if member.left_at is not None and not person.is_active:  # they left and came back
            try:
                person_reactivate(person=person)
            except ValidationError as error:  # no seat: still left, tried again at the next sync
                errors.append(f"{userid}: {'; '.join(error.messages)}")
                return
            counts["people_back"] += 1
        if (member.name, member.dept_ids, member.left_at) != (name, dept_ids, None):
            Member.objects.filter(pk=member.pk).update(name=name, dept_ids=dept_ids, left_at=None)
    if person.full_name != name:
        User.objects.filter(pk=person.pk).update(full_name=name)
        counts["people_updated"] += 1
    team_id = teams.get(main)
    if team_id is not None and not Membership.objects.filter(person=person, team_id=team_id).exists():
        Membership.objects.update_or_create(person=person, defaults={"team_id": team_id})
        counts["people_moved"] += 1


def team_ids_by_department() -> dict[int, int]:
    return dict(Department.objects.filter(team__isnull=False).values_list("dept_id", "team_id"))


@transaction.atomic
def member_leave(userid: str, *, counts: Counter, errors: list[str]) -> None:
    """They left the corp: deactivated (never deleted), their customers listed for handover."""
    member = Member.objects.select_related("person").filter(userid=userid, left_at__isnull=True).first()
    if member is None:
        return
    Member.objects.filter(pk=member.pk).update(left_at=timezone.now())
    if member.person.is_active:
        try:
            person_deactivate(person=member.person)
        except ValidationError as error:  # the brand's last admin stays active
            errors.append(f"{userid}: {'; '.join(error.messages)}")
        else:
            counts["people_left"] += 1
    follows = Follow.objects.filter(userid=userid, removed_at__isnull=True, lost_at__isnull=True)
    Handover.objects.bulk_create(
        [
            Handover(
                external_userid=external_userid,
                userid=userid,
                person=member.person,
                reason=Handover.Reason.REP_LEFT,
            )
            for external_userid in follows.values_list("contact__external_userid", flat=True)
        ],
        ignore_conflicts=True,
    )


def members_gone(listed: set[str], *, counts: Counter, errors: list[str]) -> None:
    """After a full member list: whoever we knew and WeCom no longer lists has left."""
    for userid in (
        Member.objects.filter(left_at__isnull=True).exclude(userid__in=listed).values_list("userid", flat=True)
    ):
        member_leave(userid, counts=counts, errors=errors)
