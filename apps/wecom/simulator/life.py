"""The simulated corp going about its day while `make run` runs: customers scan channel codes
and add reps, some delete them later, reps remove the odd customer, groups gain and lose
members. Each change is pushed to the brand's callback URL as WeCom pushes it."""

from __future__ import annotations

import logging
import random
import secrets
import time

from apps.wecom.simulator.corp import Contact
from apps.wecom.simulator.server import Simulator

log = logging.getLogger(__name__)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ["小姐", "女士", "先生", "同学", "姐", "阿姨", "老师"]
TAGS = ["敏感肌", "油皮", "干皮", "学生党", "宝妈", "高意向", "价格敏感", "复购客户", "会员"]


class Life:
    def __init__(self, sim: Simulator, *, seed: int | None = None):
        self.sim, self.rng = sim, random.Random(seed)  # noqa: S311 (a simulation, not secrets)

    def _reps(self) -> list[str]:
        return [m.userid for m in self.sim.corp.members.values() if m.status == 1 and m.follows]

    def _new_contact(self) -> Contact:
        name = f"{self.rng.choice(SURNAMES)}{self.rng.choice(GIVEN)}"
        return Contact(f"wm{secrets.token_hex(15)}", name)

    def step(self) -> str:
        """One thing happening; what it was, for the log."""
        corp, rng = self.sim.corp, self.rng
        roll = rng.random()
        follows = list(corp.follows)
        if roll < 0.6 or not follows:
            ways = list(corp.ways.values())
            way = rng.choice(ways) if ways and rng.random() < 0.65 else None
            userid = rng.choice(way["user"]) if way else rng.choice(self._reps())
            tags = rng.sample(TAGS, rng.randint(0, 2))
            self.sim.customer_adds(userid, self._new_contact(), state=way["state"] if way else "", tags=tags)
            return "add"
        userid, external_userid = rng.choice(follows)
        if roll < 0.72:
            self.sim.customer_deletes(userid, external_userid)
            return "customer deleted rep"
        if roll < 0.76:
            self.sim.rep_removes(userid, external_userid)
            return "rep removed customer"
        groups = [g for g in corp.groups.values() if not g.dismissed]
        if groups:
            group = rng.choice(groups)
            inside = [who for who, kind in group.members.items() if kind == 2]
            if inside and rng.random() < 0.3:
                self.sim.group_members(group.chat_id, leave=[rng.choice(inside)])
                return "group leave"
            self.sim.group_members(group.chat_id, join=[external_userid])
            return "group join"
        return "quiet"

    def run(self, *, every: float, stop) -> None:
        while not stop.is_set():
            try:
                what = self.step()
                log.debug("simulated wecom: %s", what)
            except OSError as error:  # the brand's site not up yet, or restarting
                log.info("simulated wecom: callback not delivered (%s)", error)
            stop.wait(self.rng.uniform(0.5, 1.5) * every)


def wait_for(url_check, *, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if url_check():
            return True
        time.sleep(0.5)
    return False
