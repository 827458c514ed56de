"""The load test's users (run by bench/load.py): reps reading their home and dashboards and
watching the live board (polled every second, as the page does), managers reviewing violations
and drilling into KPIs, integrations posting batches. People read a page 5-15 s before the next
(the home page they land on after logging in too); an integration posts every 2-5 s. What each
may read comes from the seeded brand, in the JSON file named by LOAD_PLAN. Every request is
written to LOAD_TRACE (time, name, milliseconds, failed), and the moment the last user has
started, so that the report can tell the ramp from the steady load."""

import json
import os
import random
import re
import time
import uuid
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from locust import HttpUser, between, events, task

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
HOST = PLAN["host"]
SHANGHAI = ZoneInfo("Asia/Shanghai")
TRACE = open(os.environ["LOAD_TRACE"], "w", buffering=1)  # noqa: SIM115 (open for the whole run)


@events.request.add_listener
def _record(name, response_time, exception=None, **kwargs):
    TRACE.write(f"{time.time():.3f},{name},{response_time:.1f},{int(exception is not None)}\n")


@events.spawning_complete.add_listener
def _all_started(user_count, **kwargs):
    TRACE.write(f"{time.time():.3f},,,\n")


class Person(HttpUser):
    abstract = True
    wait_time = between(5, 15)
    email = ""

    def on_start(self):
        self.client.headers["Host"] = HOST
        self.client.get("/accounts/login/", name="login page")
        token = self.client.cookies.get("csrftoken", domain="") or self.client.cookies.get("csrftoken")
        self.client.post(
            "/accounts/login/",
            {"username": self.email, "password": PLAN["password"], "csrfmiddlewaretoken": token, "next": "/"},
            name="login",
        )
        self.wait()  # reading the home page the login landed on


class Rep(Person):
    weight = 6

    def on_start(self):
        self.email = random.choice(PLAN["reps"])
        super().on_start()
        self.version = ""

    @task(3)
    def home(self):
        self.client.get("/home/rep/", name="rep home")

    @task(4)
    def watch_the_board(self):
        """Open the leaderboards and keep them on screen for 10 s: the page polls every second."""
        page = self.client.get("/leaderboards/", name="leaderboards")
        self.version = self._version(page.text) or self.version
        for _ in range(10):
            time.sleep(1)
            with self.client.get(
                f"/leaderboards/standing/gmv/day/live/?since={self.version}",
                name="live board poll",
                catch_response=True,
            ) as response:
                if response.status_code in (200, 204):
                    self.version = self._version(response.text) or self.version
                    response.success()

    @staticmethod
    def _version(html: str | None) -> str:
        match = re.search(r'data-version="(\d+)"', html or "")
        return match.group(1) if match else ""

    @task(1)
    def own_kpis(self):
        self.client.get("/kpis/", name="own KPIs")


class Manager(Person):
    weight = 2

    def on_start(self):
        self.email = PLAN["manager"]
        super().on_start()

    @task(3)
    def violations(self):
        self.client.get("/compliance/", name="violations")

    @task(2)
    def violation(self):
        self.client.get(f"/compliance/violations/{random.choice(PLAN['violations'])}/", name="violation")

    @task(2)
    def brand_kpis(self):
        self.client.get("/kpis/", name="brand KPIs")

    @task(2)
    def team_kpis(self):
        self.client.get(f"/kpis/teams/{random.choice(PLAN['teams'])}/", name="team KPIs")

    @task(1)
    def ops_home(self):
        self.client.get("/home/ops/", name="ops home")


class Integration(HttpUser):
    weight = 2
    wait_time = between(2, 5)

    def on_start(self):
        self.client.headers.update({"Host": HOST, "Authorization": f"Api-Key {random.choice(PLAN['keys'])}"})

    @task(3)
    def events(self):
        now = datetime.now(SHANGHAI).isoformat()
        batch = [
            {
                "external_id": uuid.uuid4().hex,
                "kind": random.choice(["order", "fan_added", "interaction"]),
                "member": random.choice(PLAN["reps"]),
                "customer": f"load-{random.randrange(20000)}",
                "amount": f"{random.randint(20, 900)}.00",
                "occurred_at": now,
            }
            for _ in range(50)
        ]
        self.client.post("/api/v1/events/", json=batch, name="API events ×50")

    @task(1)
    def messages(self):
        now = datetime.now(SHANGHAI).isoformat()
        texts = ["您好，新品到了", "加我私人微信，私下转账便宜", "明天给您发货", "保证三天见效"]
        batch = [
            {
                "message_id": uuid.uuid4().hex,
                "conversation_id": f"load-{random.randrange(500)}",
                "rep": random.choice(PLAN["reps"]),
                "customer": f"load-{random.randrange(20000)}",
                "direction": "rep_to_customer",
                "sent_at": now,
                "text": random.choice(texts),
            }
            for _ in range(20)
        ]
        self.client.post("/api/v1/messages/", json={"messages": batch}, name="API messages ×20")
