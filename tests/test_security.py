"""The doors: logins locked after repeated failures, a password reset that tells nobody whether an
account exists, CSRF on every form, a Content-Security-Policy with no inline script, production
settings that pass Django's deployment checks, and API rate limits answered 429 + Retry-After."""

import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from apps.organisation.roles import Role
from apps.organisation.services import api_key_create
from apps.organisation.throttling import ApiKeyRateThrottle
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["/home/admin/", "/kpis/", "/compliance/", "/leaderboards/", "/leaderboards/tv/", "/people/", "/logs/team/"]


def test_five_wrong_passwords_lock_the_account_from_that_address(alpha):
    client = alpha.client()
    for _ in range(4):
        response = client.post("/accounts/login/", {"username": "rep@alpha.test", "password": "wrong-password"})
        assert response.status_code == 200 and "邮箱或密码不正确" in response.content.decode()
    fifth = client.post("/accounts/login/", {"username": "rep@alpha.test", "password": "wrong-password"})
    assert fifth.status_code == 429
    locked = client.post("/accounts/login/", {"username": "rep@alpha.test", "password": PASSWORD})
    assert locked.status_code == 429 and "暂时锁定" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    elsewhere = alpha.client(REMOTE_ADDR="10.0.0.9")  # the same account from another address still works
    assert elsewhere.post("/accounts/login/", {"username": "rep@alpha.test", "password": PASSWORD}).status_code == 302


def test_changing_letter_case_or_padding_does_not_buy_fresh_tries(alpha):
    client = alpha.client(REMOTE_ADDR="10.0.3.1")
    for variant in ["rep@alpha.test", "Rep@alpha.test", "rEp@alpha.test", "REP@ALPHA.TEST"]:
        response = client.post("/accounts/login/", {"username": variant, "password": "wrong-password"})
        assert response.status_code == 200, variant
    fifth = client.post("/accounts/login/", {"username": " Rep@Alpha.Test ", "password": "wrong-password"})
    assert fifth.status_code == 429
    for variant in ["rep@alpha.test", "REP@alpha.test", "rep@ALPHA.test"]:
        locked = client.post("/accounts/login/", {"username": variant, "password": PASSWORD})
        assert locked.status_code == 429 and "_auth_user_id" not in client.session, variant
    elsewhere = alpha.client(REMOTE_ADDR="10.0.3.2")  # the right password in any case, from elsewhere
    assert elsewhere.post("/accounts/login/", {"username": "REP@Alpha.test", "password": PASSWORD}).status_code == 302


def test_a_lookalike_letter_is_another_login_not_the_same_account(alpha):
    """A lookup looser than the lockout key (case-insensitive SQL) would let `ı` stand for `i`."""
    client = alpha.client(REMOTE_ADDR="10.0.3.3")
    response = client.post("/accounts/login/", {"username": "admın@alpha.test", "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_password_reset_answers_alike_for_known_and_unknown_addresses(alpha, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    address = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"  # counts live in Redis
    client = alpha.client(REMOTE_ADDR=address)
    known = client.post("/accounts/password-reset/", {"email": "rep@alpha.test"})
    unknown = client.post("/accounts/password-reset/", {"email": "nobody@alpha.test"})
    assert known.status_code == unknown.status_code == 200
    assert _text(known) == _text(unknown)
    assert [m.to for m in mail.outbox] == [["rep@alpha.test"]]
    link = re.search(r"https?://\S+/accounts/set-password/\S+/", mail.outbox[0].body).group(0)
    assert "alpha.localhost" in link
    for _ in range(5):  # five an hour from one address; then nothing more is sent (and nothing said)
        client.post("/accounts/password-reset/", {"email": "rep@alpha.test"})
    assert len(mail.outbox) == 4


def _text(response) -> str:
    """The page without its (rotating) CSRF tokens."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", text)


def test_every_form_and_session_api_call_needs_the_csrf_token(alpha):
    client = alpha.client("admin", enforce_csrf_checks=True)
    for path in [
        "/people/new/",
        "/kpis/targets/",
        "/compliance/rules/new/",
        "/leaderboards/competitions/new/",
        "/reports/settings/",
        "/logs/",
        "/i18n/setlang/",
        "/accounts/logout/",
    ]:
        assert client.post(path, {}).status_code == 403, path
    api = client.post("/api/v1/teams/", {"name": "x", "kind": "store"}, content_type="application/json")
    assert api.status_code == 403 and "CSRF" in api.json()["detail"]
    page = client.get("/people/new/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    assert client.post("/people/new/", {"csrfmiddlewaretoken": token}).status_code == 200  # the form, with errors


def test_pages_carry_a_policy_that_forbids_inline_script_and_have_none(alpha):
    client = alpha.client("admin")
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        policy = response["Content-Security-Policy"]
        script_src = re.search(r"script-src ([^;]+)", policy).group(1)
        assert script_src.strip() == "'self'" and "frame-ancestors 'none'" in policy
        html = response.content.decode()
        inline = [s for s in re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html)]
        assert inline == [], (path, inline)
        assert not re.search(r"\son[a-z]+=\"", html), path  # no onclick= and friends
    assert client.get("/api/docs/")["Content-Security-Policy"]


def test_production_settings_pass_djangos_deployment_checks():
    env = {
        **{name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "SITE_SCHEME": "https",
        "SITE_PORT": "443",
        "PUBLIC_DOMAIN": "siyu.example.com",
        "SECRET_KEY": "x" * 20 + "-production-secret-with-enough-entropy-0987654321",
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "true",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings as s; import django; django.setup(); "
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0)",
        ],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
    )
    assert shown.stdout.split() == ["True", "True", "True"]


@pytest.fixture
def three_a_minute(monkeypatch):
    monkeypatch.setattr(ApiKeyRateThrottle, "THROTTLE_RATES", {**ApiKeyRateThrottle.THROTTLE_RATES, "api_key": "3/min"})


def test_an_api_key_over_its_rate_gets_429_with_retry_after(alpha, beta, three_a_minute):
    with alpha:
        _key, secret = api_key_create(name="busy", roles=[Role.BRAND_ADMIN], created_by=None)
    client = alpha.client(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    assert [client.get("/api/v1/teams/").status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get("/api/v1/teams/")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    with beta:
        _key, other = api_key_create(name="calm", roles=[Role.BRAND_ADMIN], created_by=None)
    assert beta.client(HTTP_AUTHORIZATION=f"Api-Key {other}").get("/api/v1/teams/").status_code == 200


def test_the_login_page_links_to_a_reset(alpha):
    assert (
        reverse("accounts:password_reset", urlconf="config.urls_tenant")
        in alpha.client().get("/accounts/login/").content.decode()
    )
    assert Client(HTTP_HOST="localhost").get("/").status_code == 200


def test_a_form_posted_from_another_brands_site_is_refused_even_with_a_token(alpha):
    client = alpha.client("admin", enforce_csrf_checks=True)
    page = client.get("/people/new/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    for origin in ("http://beta.localhost:8000", "http://localhost:8000", "http://evil.localhost:8000"):
        response = client.post("/people/new/", {"csrfmiddlewaretoken": token}, HTTP_ORIGIN=origin)
        assert response.status_code == 403, origin
    same = client.post("/people/new/", {"csrfmiddlewaretoken": token}, HTTP_ORIGIN="http://alpha.localhost")
    assert same.status_code == 200  # its own origin: the form, with its field errors
