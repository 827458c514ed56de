"""A simulated WeCom corp for alpha: the simulator serves WeCom's API over HTTP on a free port,
and its pushes reach alpha's callback URL through the test client (the browser tests use real
HTTP both ways)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from apps.wecom.simulator.corp import Contact, Corp, Group, Member
from apps.wecom.simulator.server import Simulator


def corp_new(**overrides) -> Corp:
    corp = Corp.with_new_credentials(**overrides)
    corp.departments.update(
        {
            2: {"id": 2, "name": "华东大区", "parentid": 1},
            3: {"id": 3, "name": "南京西路店", "parentid": 2},
            4: {"id": 4, "name": "徐家汇店", "parentid": 2},
        }
    )
    for member in (
        Member("zhangsan", "张三", [3], email="rep@alpha.test"),  # alpha's rep: matched by email
        Member("lisi", "李四", [3], mobile="13800000002"),
        Member("wangwu", "王五", [4]),
    ):
        corp.members[member.userid] = member
    return corp


@dataclass
class Wecom:
    sim: Simulator
    corp: Corp
    brand: object

    def connect(self) -> None:
        """alpha connected to this corp, as the settings page leaves it."""
        from apps.wecom.services.connection import connection_to_simulator

        with self.brand:
            connection_to_simulator(self.corp)

    def sync(self):
        """A whole sync run carried out here (the task's body)."""
        from apps.wecom.models import SyncRun
        from apps.wecom.services import sync

        with self.brand:
            run = sync.sync_start(trigger=SyncRun.Trigger.BUTTON)
            sync.sync_continue(run.pk)
            run.refresh_from_db()
            return run

    def process(self):
        from apps.wecom.services.inbox import callbacks_process

        with self.brand:
            return callbacks_process()

    def contact(self, n: int, name: str = "") -> Contact:
        return Contact(f"wm{n:030d}", name or f"客户{n}")

    def group(self, chat_id: str, owner: str, members=()) -> Group:
        import time

        return Group(chat_id, f"{chat_id} 群", owner, int(time.time()), {owner: 1, **{m: 2 for m in members}})


@pytest.fixture
def wecom(alpha, settings):
    corp = corp_new()
    sim = Simulator(corp).start()
    settings.WECOM_SIMULATOR_URL = sim.base_url
    client = Client(HTTP_HOST=alpha.host)

    def deliver(method, target, body, headers):
        call = client.get if method == "GET" else client.post
        kwargs = {"data": body, "content_type": headers["Content-Type"]} if method == "POST" else {}
        response = call(target, **kwargs)
        return response.status_code, response.content.decode(errors="replace")

    sim.callback_url = "http://alpha.localhost/wecom/callback/"
    sim.deliver = deliver
    yield Wecom(sim, corp, alpha)
    sim.stop()
