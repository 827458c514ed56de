"""What a client sees while a backing service is away: the database down gives 503 + Retry-After
(JSON on the API, a friendly page elsewhere); Redis down neither turns ingestion away nor loses
work; a batch cut off mid-request stores nothing."""

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.db.models import F
from kombu.exceptions import OperationalError as BrokerUnavailable

from apps.compliance.models import Message
from apps.compliance.tasks import scan_messages, scan_pending
from apps.kpis.models import Event
from apps.leaderboards.tasks import refresh_boards
from apps.organisation.roles import Role
from apps.organisation.services import api_key_create
from tests.factories.events import event

ROOT = Path(__file__).resolve().parent.parent

# Runs with DATABASE_URL on a port nothing listens on: every request fails at its first query.
DATABASE_DOWN_PROBE = """
import json, django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="alpha.localhost", raise_request_exception=False)
api = client.post("/api/v1/events/", "[]", content_type="application/json")
page = client.get("/")
health = Client(HTTP_HOST="10.0.0.7").get("/health/database/")
print(json.dumps({
    "health": [health.status_code, health.json()],
    "api": [api.status_code, api.get("Retry-After"), api.get("Content-Type"), api.content.decode()],
    "page": [page.status_code, page.get("Retry-After"), page.content.decode()],
}))
"""


def test_with_the_database_down_the_api_says_503_retry_after_and_pages_say_so_kindly():
    env = {
        **os.environ,
        "DATABASE_URL": "postgresql://siyu@127.0.0.1:9/siyu",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
    }
    result = subprocess.run(
        [sys.executable, "-c", DATABASE_DOWN_PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    status, retry_after, content_type, body = seen["api"]
    assert (status, retry_after, content_type) == (503, "10", "application/json")
    assert "retry" in json.loads(body)["detail"]
    status, retry_after, body = seen["page"]
    assert (status, retry_after) == (503, "10")
    assert "系统正在恢复" in body and "Traceback" not in body
    status, health = seen["health"]
    assert status == 503 and health["checks"]["database"]["ok"] is False
    assert "OperationalError" in health["checks"]["database"]["error"]


@pytest.fixture
def integration(alpha):
    with alpha:
        _key, secret = api_key_create(name="archive", roles=[Role.PRODUCT_OPS], created_by=None)
    return alpha.client(HTTP_AUTHORIZATION=f"Api-Key {secret}")


def _down(*args, **kwargs):
    raise BrokerUnavailable("Error 111 connecting to redis. Connection refused.")


def _message(n: int, text: str) -> dict:
    return {
        "message_id": f"outage-{n}",
        "conversation_id": "c1",
        "rep": "rep@alpha.test",
        "customer": "wm-1",
        "direction": "rep_to_customer",
        "sent_at": "2026-11-10T10:00:00+08:00",
        "text": text,
    }


def test_with_the_broker_down_messages_are_stored_and_the_sweep_scans_them(alpha, integration, monkeypatch):
    monkeypatch.setattr(scan_messages, "delay", _down)
    body = {"messages": [_message(1, "加我私人微信，私下转账给你便宜"), _message(2, "您好，欢迎光临")]}
    response = integration.post("/api/v1/messages/", json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content
    with alpha:
        assert Message.objects.filter(scanned_at=None).count() == 2
        monkeypatch.undo()
        Message.objects.update(created_at=F("created_at") - timedelta(minutes=1))
        scan_pending()  # the beat sweep, a minute later with the broker back
        assert Message.objects.filter(scanned_at=None).count() == 0
        assert Message.objects.get(message_id="outage-1").violations.exists()


@pytest.fixture
def limits_without_redis(settings):
    """Rate limits count in a Redis that is not there (nothing listens on port 1)."""
    from apps.common import ratelimit
    from apps.common.redis import client as redis_client

    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    redis_client.cache_clear()
    ratelimit._script.cache_clear()
    yield
    redis_client.cache_clear()
    ratelimit._script.cache_clear()


def test_with_redis_down_events_are_accepted_and_rate_limits_step_aside(
    alpha, integration, monkeypatch, limits_without_redis
):
    monkeypatch.setattr(refresh_boards, "delay", _down)
    response = integration.post(
        "/api/v1/events/",
        json.dumps([event("order", member="rep@alpha.test", amount="99")]),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 1
    with alpha:
        assert Event.objects.count() == 1


def test_a_batch_cut_off_mid_request_stores_nothing(alpha, integration):
    batch = json.dumps([event("order", member="rep@alpha.test", amount=str(n)) for n in range(1, 51)])
    cut = batch[: len(batch) // 2]
    response = integration.post("/api/v1/events/", cut, content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]
    with alpha:
        assert Event.objects.count() == 0


def test_a_client_that_hangs_up_mid_body_stores_nothing(alpha, integration):
    """The connection drops after half the declared body: the read fails, the batch is refused."""
    batch = json.dumps([event("order", member="rep@alpha.test", amount=str(n)) for n in range(1, 51)]).encode()

    class HangUp:
        def __init__(self):
            self.sent = 0

        def read(self, size=-1):
            if self.sent >= len(batch) // 2:
                raise OSError("client disconnected")
            size = len(batch) // 2 if size is None or size < 0 else min(size, len(batch) // 2 - self.sent)
            self.sent += size
            return batch[self.sent - size : self.sent]

        readline = read

    response = integration.generic(
        "POST",
        "/api/v1/events/",
        **{"wsgi.input": HangUp(), "CONTENT_LENGTH": str(len(batch)), "CONTENT_TYPE": "application/json"},
    )
    assert response.status_code == 400, response.content
    with alpha:
        assert Event.objects.count() == 0


def test_with_the_cache_away_a_password_reset_is_still_taken(alpha, limits_without_redis):
    response = alpha.client().post(
        "/accounts/password-reset/", {"email": "rep@alpha.test"}, REMOTE_ADDR=f"10.9.{os.getpid() % 250}.1"
    )
    assert response.status_code == 200
    assert "重设密码的链接已经发过去了" in response.content.decode()
