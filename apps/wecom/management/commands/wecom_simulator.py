"""Serve a simulated WeCom corp on WECOM_SIMULATOR_URL's port (what `make run` does for the demo
brand): its API for the connector, and with --live its everyday life pushed as callbacks."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand

from apps.wecom.simulator.life import Life
from apps.wecom.simulator.server import Simulator
from apps.wecom.simulator.state import corp_read, corp_save

SAVE_EVERY_SECONDS = 30


class Command(BaseCommand):
    help = "Run the WeCom simulator for a corp kept in a JSON file."

    def add_arguments(self, parser):
        parser.add_argument("--corp", required=True, help="the corp's JSON file (written back as it changes)")
        parser.add_argument(
            "--callback-url", help="where to push callbacks, e.g. http://127.0.0.1:8000/wecom/callback/"
        )
        parser.add_argument("--callback-host", default="", help="the Host header for them, e.g. demo.localhost:8000")
        parser.add_argument("--live", action="store_true", help="keep adding and deleting fans, moving groups")
        parser.add_argument("--every", type=float, default=3.0, help="seconds between two changes, on average")

    def handle(self, *args, corp, callback_url, callback_host, live, every, **options):
        path = Path(corp)
        where = urlsplit(settings.WECOM_SIMULATOR_URL)
        simulator = Simulator(corp_read(path), host=where.hostname or "127.0.0.1", port=where.port or 80)
        simulator.callback_url, simulator.callback_host = callback_url or "", callback_host
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        simulator.start()
        self.stdout.write(f"WeCom simulator for {simulator.corp.corp_id} on {simulator.base_url}", ending="\n")
        if live and callback_url:
            threading.Thread(target=Life(simulator).run, kwargs={"every": every, "stop": stop}, daemon=True).start()
        try:
            while not stop.wait(SAVE_EVERY_SECONDS):
                corp_save(simulator.corp, path)
        except KeyboardInterrupt:
            pass
        finally:
            corp_save(simulator.corp, path)
            simulator.stop()
