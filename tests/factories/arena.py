"""An arena in the alpha brand: two stores of three reps each, and ways to make figures move
through the real ingestion (commit hooks run, tasks run in-process)."""

import itertools
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apps.accounts.models import User
from apps.common.periods import brand_today
from apps.kpis.services.events import events_ingest
from apps.leaderboards.models import Competition, TieRule
from apps.leaderboards.services.competitions import competition_save
from apps.organisation.models import Team
from apps.organisation.roles import Role
from apps.organisation.services import person_create, team_create

SHANGHAI = ZoneInfo("Asia/Shanghai")
_minutes = itertools.count(1)


@dataclass
class Arena:
    brand: object
    reps: dict[str, User]
    teams: dict[str, Team]
    capture: object

    @property
    def today(self) -> date:
        return brand_today("Asia/Shanghai")

    @property
    def admin(self) -> User:
        return User.objects.get(pk=self.brand.admin_id)

    def at(self, day: date | None = None) -> datetime:
        """A distinct moment on a day (today by default), so events never collide."""
        day = day or self.today
        return datetime.combine(day, time(0, 0), SHANGHAI) + timedelta(seconds=next(_minutes))

    def ingest(self, *events: dict):
        with self.capture(execute=True):
            result = events_ingest(items=list(events))
        assert result.as_json()["errors"] == 0, result.as_json()
        return result

    def sell(self, rep: str, amount, day: date | None = None):
        return self.ingest(self.order(rep, amount, day))

    def order(self, rep: str, amount, day: date | None = None) -> dict:
        return {
            "external_id": uuid.uuid4().hex,
            "kind": "order",
            "occurred_at": self.at(day).isoformat(),
            "member": self.reps[rep].email,
            "amount": str(amount),
        }

    def fans(self, rep: str, quantity: int, day: date | None = None):
        return self.ingest(
            {
                "external_id": uuid.uuid4().hex,
                "kind": "fan_added",
                "occurred_at": self.at(day).isoformat(),
                "member": self.reps[rep].email,
                "quantity": quantity,
            }
        )

    def competition(self, *, actor=None, teams=(), prizes=(), reason="测试", **rules) -> Competition:
        data = {
            "name": "测试赛",
            "metric": "gmv",
            "starts_on": self.today,
            "ends_on": self.today + timedelta(days=6),
            "scope": Competition.Scope.BRAND,
            "participant_roles": [Role.SALES_REP],
            "tie_rule": TieRule.SHARED,
            "show_amounts": True,
            "settle_minutes": 60,
            "min_value": None,
            "per_capita": False,
            "description": "",
            **rules,
        }
        return competition_save(
            actor=actor or self.admin, data=data, teams=list(teams), prizes=list(prizes), reason=reason
        )


def arena_build(alpha, capture) -> Arena:
    teams = {
        "north": team_create(name="北店", kind=Team.Kind.STORE),
        "south": team_create(name="南店", kind=Team.Kind.STORE),
    }
    reps = {}
    for number, store in enumerate(["north"] * 3 + ["south"] * 3, start=1):
        reps[f"r{number}"] = person_create(
            email=f"r{number}@alpha.test",
            full_name=f"导购{number}",
            roles=[Role.SALES_REP],
            team=teams[store],
            employee_no=f"R{number:03d}",
        )
    return Arena(alpha, reps, teams, capture)
