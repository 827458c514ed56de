"""Health endpoints as a load balancer and an operator read them."""

import pytest
from django.test import Client

from apps.common import health
from apps.common.redis import client
from apps.tenants.tasks import heartbeat
from config.celery import HeartbeatScheduler, app


@pytest.fixture
def probe(db):
    return Client(HTTP_HOST="10.1.2.3")  # a probe uses the pod's address, not a brand's domain


@pytest.fixture
def no_heartbeats():
    for component in ("worker", "beat"):
        client().delete(health._key(component))
    yield
    for component in ("worker", "beat"):
        client().delete(health._key(component))


def test_all_parts_healthy_answer_200_with_each_check(probe, no_heartbeats, tmp_path):
    heartbeat()  # what the worker runs when beat sends it
    HeartbeatScheduler(app=app, schedule_filename=str(tmp_path / "beat")).tick()
    response = probe.get("/health/")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["ok"] is True
    assert set(body["checks"]) == {"web", "database", "broker", "worker", "beat"}
    assert body["checks"]["worker"]["last_heartbeat_s"] < 5
    assert response["Cache-Control"] == "no-store"


def test_a_silent_worker_makes_its_check_and_the_whole_fail_with_503(probe, no_heartbeats):
    response = probe.get("/health/worker/")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == {
        "ok": False,
        "error": "RuntimeError: no heartbeat yet",
        "ms": pytest.approx(0, abs=50),
    }
    assert probe.get("/health/").status_code == 503
    assert probe.get("/health/web/").status_code == 200


def test_a_stale_heartbeat_is_reported_with_its_age(probe, no_heartbeats):
    client().set(health._key("beat"), 0)
    check = probe.get("/health/beat/").json()["checks"]["beat"]
    assert check["ok"] is False and "s ago" in check["error"]


def test_an_unknown_component_is_404(probe):
    assert probe.get("/health/cache/").status_code == 404
