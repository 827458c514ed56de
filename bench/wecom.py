"""The WeCom connection (issue 15), each figure as a ratio against its limit, with its spread:

1. Callbacks decrypted and stored per web process (limit: at least 500/s). Encrypted pushes as
   WeCom sends them (signature, AES, corp id) through Django's full stack in this process, in
   rounds; each round is paired with a round of the cheapest brand request the stack answers (a
   404 page), interleaved, so the machine's mood shows in both.
2. A full sync of 100 reps × 500 contacts (50,000 customers) against the simulator, served by its
   own process over HTTP (limit: under 2 minutes); then the same sync again (all known).
3. Callback → board (limit: 2 s): a customer adding a probe rep, pushed by the simulator over
   HTTP to gunicorn, processed by a real Celery worker (the record read back from the simulator),
   until the rep's standing board of today's adds shows it.

    python -m bench.wecom
"""

from __future__ import annotations

import io
import json
import logging
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.common import ROOT, celery_worker, percentile, setup_django, write_section

REPS = int(os.environ.get("BENCH_WECOM_REPS", "100"))
CONTACTS_PER_REP = int(os.environ.get("BENCH_WECOM_CONTACTS", "500"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "7"))
PER_ROUND = 300
PROBES = int(os.environ.get("BENCH_PROBES", "30"))
STORES = 10
CALLBACKS_LIMIT, SYNC_LIMIT, BOARD_LIMIT = 500.0, 120.0, 2.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _spread(values: list[float], digits: int = 2) -> str:
    return f"{min(values):.{digits}f} / {statistics.median(values):.{digits}f} / {max(values):.{digits}f}"


def _corp():
    from apps.wecom.simulator.corp import Contact, Corp, Member

    corp = Corp.with_new_credentials()
    corp.departments[2] = {"id": 2, "name": "华东大区", "parentid": 1}
    for store in range(STORES):
        corp.departments[10 + store] = {"id": 10 + store, "name": f"门店{store:02d}", "parentid": 2}
    now = int(time.time())
    for n in range(REPS):
        userid = f"rep{n:03d}"
        corp.members[userid] = Member(userid, f"导购{n:03d}", [10 + n % STORES], email=f"{userid}@bench.example")
        for c in range(CONTACTS_PER_REP):
            contact = Contact(f"wm{n:03d}{c:027d}", f"客户{n}-{c}")
            corp.follow(userid, contact, createtime=now - 86400 - c * 60, tags=("会员",) if c % 3 == 0 else ())
    return corp


class Brand:
    """The bench's brand connected to the corp, the simulator process serving it, gunicorn."""

    def __init__(self):
        from django_tenants.utils import schema_context

        from apps.signup.services import brand_create
        from apps.wecom.services.connection import connection_to_simulator
        from apps.wecom.simulator.state import corp_save

        self.corp = _corp()
        self.brand = brand_create(
            name="压测品牌",
            slug="wecom-bench",
            admin_name="管理员",
            admin_email="admin@bench.example",
            admin_password="Bench-Password-2026",
        ).brand
        with schema_context(self.brand.schema_name):
            connection_to_simulator(self.corp)
        self.folder = Path(tempfile.mkdtemp(prefix="siyu-bench-wecom-"))
        corp_save(self.corp, self.folder / "corp.json")
        self.web_port = _free_port()
        self.host = f"{self.brand.slug}.localhost:{self.web_port}"
        bin_dir = Path(sys.executable).parent
        self.processes = [
            subprocess.Popen(
                [
                    sys.executable,
                    "manage.py",
                    "wecom_simulator",
                    "--corp",
                    str(self.folder / "corp.json"),
                    "--callback-url",
                    f"http://127.0.0.1:{self.web_port}/wecom/callback/",
                    "--callback-host",
                    self.host,
                ],
                cwd=ROOT,
                env=dict(os.environ),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            ),
            subprocess.Popen(
                [
                    str(bin_dir / "gunicorn"),
                    "config.wsgi",
                    "-c",
                    "config/gunicorn.py",
                    "-b",
                    f"127.0.0.1:{self.web_port}",
                    "--workers",
                    "1",
                ],
                cwd=ROOT,
                env={**os.environ, "LOG_FORMAT": "text"},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            ),
        ]
        _wait_for(os.environ["WECOM_SIMULATOR_URL"] + "/cgi-bin/gettoken")
        _wait_for(f"http://127.0.0.1:{self.web_port}/health/web/")

    def stop(self):
        for process in self.processes:
            process.terminate()
            process.wait(20)


def _wait_for(url: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url, timeout=1)  # noqa: S310 (local)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def _sync(brand: Brand) -> tuple[float, dict]:
    from django_tenants.utils import schema_context

    from apps.wecom.models import SyncRun
    from apps.wecom.services import sync

    with schema_context(brand.brand.schema_name):
        started = time.perf_counter()
        run = sync.sync_start(trigger=SyncRun.Trigger.BUTTON)
        sync.sync_continue(run.pk)
        elapsed = time.perf_counter() - started
        run.refresh_from_db()
    assert run.status == SyncRun.Status.DONE, run.errors
    return elapsed, run.counts


def _callbacks(brand: Brand) -> list[str]:
    """Rounds of pushes through the WSGI application (what gunicorn calls), each paired with a
    round of the stack's cheapest brand page (a 404)."""
    from django.core.wsgi import get_wsgi_application

    from apps.wecom.simulator.server import Simulator, message_xml

    sim = Simulator(brand.corp)  # its encrypt(), as the corp would sign (its server is not started)
    sim.server.server_close()
    application = get_wsgi_application()
    logging.getLogger("django.request").setLevel(logging.ERROR)  # the floor's 404s, not news
    host = f"{brand.brand.slug}.localhost"

    def envelope(n: int) -> tuple[str, bytes]:
        nonce, timestamp = secrets.token_hex(8), str(int(time.time()))
        xml = message_xml(
            brand.corp,
            {
                "Event": "change_external_contact",
                "ChangeType": "edit_external_contact",
                "UserID": "rep000",
                "ExternalUserID": f"wm-bench-{n}",
            },
        )
        sealed = sim.encrypt(xml, nonce=nonce, timestamp=timestamp)
        query = f"msg_signature={sealed['signature']}&timestamp={timestamp}&nonce={nonce}"
        return query, f"<xml><Encrypt><![CDATA[{sealed['encrypt']}]]></Encrypt></xml>".encode()

    def answer(method: str, path: str, query: str = "", body: bytes = b"") -> str:
        statuses = []
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "CONTENT_TYPE": "text/xml",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http",
            "SERVER_NAME": host,
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": host,
        }
        b"".join(application(environ, lambda status, headers, exc_info=None: statuses.append(status)))
        return statuses[0]

    rates, floors, ratios = [], [], []
    n = 0
    for _round in range(ROUNDS):
        pushes = [envelope(n + i) for i in range(PER_ROUND)]
        n += PER_ROUND
        started = time.perf_counter()
        for query, body in pushes:
            assert answer("POST", "/wecom/callback/", query, body).startswith("200")
        rate = PER_ROUND / (time.perf_counter() - started)
        started = time.perf_counter()
        for _ in range(PER_ROUND):
            answer("GET", "/no-such-page/")
        floor = PER_ROUND / (time.perf_counter() - started)
        rates.append(rate)
        floors.append(floor)
        ratios.append(rate / CALLBACKS_LIMIT)
    costs = [f / r for r, f in zip(rates, floors, strict=True)]
    return [
        "| what | rounds × callbacks | min / median / max |",
        "|---|---|---|",
        f"| callbacks stored per second, one process | {ROUNDS} × {PER_ROUND} | {_spread(rates, 0)} |",
        f"| ratio to the limit (500/s; above 1 is within) | {ROUNDS} | {_spread(ratios)} |",
        f"| the stack's floor (404 pages per second), interleaved | {ROUNDS} × {PER_ROUND} | {_spread(floors, 0)} |",
        f"| a callback's cost in 404 pages | {ROUNDS} | {_spread(costs)} |",
    ]


def _to_board(brand: Brand) -> list[str]:
    from django_tenants.utils import schema_context

    from apps.common.periods import brand_today
    from apps.leaderboards import selectors, store
    from apps.leaderboards.ranking import value_of
    from apps.leaderboards.services.live import board_ensure
    from apps.wecom.models import Member

    with schema_context(brand.brand.schema_name):
        probe = Member.objects.get(userid="rep000").person_id
        board = selectors.standing_board_of("fans_added", "day", brand_today(brand.brand.time_zone))
        board_ensure(board)

    def value() -> int:
        with schema_context(brand.brand.schema_name):
            snapshot = store.read(board, top=0, subject=probe, prize_position=0, qualifying_score=None)
            return int(value_of(snapshot.mine.score, board.lower_is_better)) if snapshot and snapshot.mine else 0

    from apps.wecom.services.inbox import callbacks_process

    with schema_context(brand.brand.schema_name):
        callbacks_process()  # the callbacks of part 1, not waiting in front of the probes
    delays = []
    with celery_worker(concurrency=2):
        for n in range(PROBES):
            before = value()
            order = json.dumps({"userid": "rep000", "name": f"探针{n}"}).encode()
            request = urllib.request.Request(  # noqa: S310 (the local simulator)
                os.environ["WECOM_SIMULATOR_URL"] + "/_control/customer_adds",
                data=order,
                method="POST",
                headers={"Content-Type": "application/json"},
            )
            started = time.perf_counter()
            with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
                assert json.loads(answer.read())["status"] == 200
            while value() <= before and time.perf_counter() - started < 30:
                time.sleep(0.01)
            delays.append(time.perf_counter() - started)
            time.sleep(0.3)
    ratios = [d / BOARD_LIMIT for d in delays]
    return [
        "| what | samples | p50 | p95 | max |",
        "|---|---|---|---|---|",
        f"| push → on the rep's board, s | {len(delays)} | {percentile(delays, 0.5):.2f} | "
        f"{percentile(delays, 0.95):.2f} | {max(delays):.2f} |",
        f"| ratio to the limit (2 s; below 1 is within) | {len(ratios)} | {percentile(ratios, 0.5):.2f} | "
        f"{percentile(ratios, 0.95):.2f} | {max(ratios):.2f} |",
    ]


def _sync_row(run: str, seconds: float, counts: dict) -> str:
    return f"| {run} | {seconds:.1f} | {seconds / SYNC_LIMIT:.2f} | {counts.get('adds_new', 0):,} |"


def main() -> None:
    os.environ.setdefault("WECOM_SIMULATOR_URL", f"http://127.0.0.1:{_free_port()}")
    setup_django("siyu_bench_wecom")
    brand = Brand()
    try:
        first, counts = _sync(brand)
        again, counts_again = _sync(brand)
        callbacks = _callbacks(brand)
        board = _to_board(brand)
    finally:
        brand.stop()
    customers = REPS * CONTACTS_PER_REP
    body = "\n".join(
        [
            "### Callbacks in",
            "",
            *callbacks,
            "",
            f"### A full sync: {REPS} reps × {CONTACTS_PER_REP} contacts ({customers:,} customers)",
            "",
            "| run | seconds | ratio to the limit (120 s) | adds stored |",
            "|---|---|---|---|",
            _sync_row("first (everything new)", first, counts),
            _sync_row("again (everything known)", again, counts_again),
            "",
            "### Callback → board",
            "",
            *board,
        ]
    )
    print(body)
    write_section("wecom", "WeCom: callbacks, a full sync, callback → board", body)


if __name__ == "__main__":
    main()
