"""Test brands are created once per session (cloning the template schema), then reused.

Each test runs in a transaction that is rolled back, so brands stay as the session made them.
Requests pick their brand by host name, exactly as in production.
"""

import json
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.utils import translation
from django_tenants.utils import schema_context

from apps.organisation.roles import Role
from apps.tenants.models import Brand, Plan

PASSWORD = "Correct-Horse-42"  # passes the password validators


@dataclass
class BrandFixture:
    brand: Brand
    host: str
    admin_id: int
    ops_id: int
    rep_id: int

    def client(self, as_user: str | None = None, **extra) -> Client:
        """A test client on this brand's site, optionally logged in as 'admin', 'ops' or 'rep'."""
        return self.client_for(getattr(self, f"{as_user}_id") if as_user else None, **extra)

    def client_for(self, user_id: int | None, **extra) -> Client:
        """A test client on this brand's site logged in as the person with this id."""
        client = Client(HTTP_HOST=self.host, **extra)
        if user_id is not None:
            from apps.accounts.models import User

            with schema_context(self.brand.schema_name):  # the session is bound to this brand
                client.force_login(User.objects.get(pk=user_id))
        return client

    def __enter__(self):
        self._ctx = schema_context(self.brand.schema_name)
        self._ctx.__enter__()
        return self

    def __exit__(self, *exc):
        self._ctx.__exit__(*exc)


def _brand(slug: str, name: str) -> BrandFixture:
    from apps.accounts.models import User
    from apps.organisation.services import person_create
    from apps.signup.services import brand_create

    brand = Brand.objects.filter(slug=slug).first()
    if brand is None:  # --reuse-db keeps them between runs
        signup = brand_create(
            name=name, slug=slug, admin_name=f"{name} 管理员", admin_email=f"admin@{slug}.test", admin_password=PASSWORD
        )
        brand = signup.brand
        with schema_context(brand.schema_name):
            person_create(
                email=f"ops@{slug}.test", full_name=f"{name} 运营经理", roles=[Role.OPS_MANAGER], password=PASSWORD
            )
            person_create(email=f"rep@{slug}.test", full_name=f"{name} 导购", roles=[Role.SALES_REP], password=PASSWORD)
    # Customers for a while (the days before today are days the brand existed: daily reports), on
    # the plan without a seat limit (tests of the limit set one).
    Brand.objects.filter(pk=brand.pk).update(
        created_at=datetime(2025, 1, 1, tzinfo=UTC), plan=Plan.objects.get(code="enterprise")
    )
    brand.refresh_from_db()
    with schema_context(brand.schema_name):
        ids = {u.email.split("@")[0]: u.pk for u in User.objects.all()}
    return BrandFixture(
        brand=brand, host=f"{slug}.localhost", admin_id=ids["admin"], ops_id=ids["ops"], rep_id=ids["rep"]
    )


@pytest.fixture(scope="session", autouse=True)
def _media_of_this_worker(tmp_path_factory):
    """Uploaded files land under MEDIA_ROOT/<schema>/: each test process gets its own, as every
    worker has its own database with the same brand schemas in it."""
    with override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))):
        yield


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    # Argon2 is right for production and slow on purpose; tests log in hundreds of times.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """After pytest-django sets up the test database, build the template schema once, outside any
    test transaction: every brand a test creates is cloned from it."""
    from apps.tenants.services import brand_template_ensure

    with django_db_blocker.unblock():
        brand_template_ensure()
        connection.set_schema_to_public()


@pytest.fixture(scope="session")
def test_brands(django_db_setup, django_db_blocker, _fast_password_hashing):  # noqa: PT019 (order: hashing first)
    with django_db_blocker.unblock():
        brands = {"alpha": _brand("alpha", "阿尔法"), "beta": _brand("beta", "贝塔")}
        connection.set_schema_to_public()
    return brands


@pytest.fixture
def alpha(test_brands, db):
    return test_brands["alpha"]


@pytest.fixture
def beta(test_brands, db):
    return test_brands["beta"]


@pytest.fixture(autouse=True)
def _back_to_public_schema():
    yield
    connection.set_schema_to_public()


@pytest.fixture(autouse=True)
def _back_to_the_default_language():
    """A page asked for in English leaves English active in this thread (a web worker's next
    request picks its own): the next test starts in Chinese, as a request without a choice does."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session", autouse=True)
def _tasks_run_in_process():
    """A task a test's commit sends runs right there, as a worker would run it: no broker
    messages left behind for a development worker to trip over."""
    from config.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _forget_live_boards():
    """Live boards live in Redis, which the test's rollback does not reach: drop this test
    database's boards after each test."""
    from apps.leaderboards import store

    client = store.client()  # the real one, even if the test swaps it
    pattern = f"lb:{connection.settings_dict['NAME']}:*"

    def drop():
        keys = list(client.scan_iter(pattern, count=1000))
        if keys:
            client.delete(*keys)

    drop()  # also what a crashed run may have left
    yield
    drop()


@pytest.fixture(autouse=True)
def _forget_rate_counts():
    """Rate-limit counts live in Redis too: each test starts with none (signups from 127.0.0.1)."""
    from apps.common.redis import client as redis_client

    client = redis_client()
    pattern = f"rl:{connection.settings_dict['NAME']}:*"
    yield
    keys = list(client.scan_iter(pattern, count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture
def arena(alpha, django_capture_on_commit_callbacks):
    """Two stores of three reps each in alpha (tests/factories/arena.py)."""
    from tests.factories.arena import arena_build

    with alpha:
        yield arena_build(alpha, django_capture_on_commit_callbacks)


@pytest.fixture
def public_client(db):
    return Client(HTTP_HOST="localhost")


class Robot:
    """A stand-in for WeCom's robot endpoint that records what it receives."""

    def __init__(self):
        self.received, self.answers = [], []
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                robot.received.append(json.loads(body))
                status, answer = robot.answers.pop(0) if robot.answers else (200, {"errcode": 0})
                self.send_response(status)
                self.end_headers()
                self.wfile.write(json.dumps(answer).encode())

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/cgi-bin/webhook/send?key=test"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self):
        self.server.shutdown()


@pytest.fixture
def robot(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = True
    robot = Robot()
    yield robot
    robot.close()
