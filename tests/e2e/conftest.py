"""Browser tests drive the real product: gunicorn on a free port, over a fresh database.

They need Debian's chromium (`apt-get install chromium`); without it they are skipped.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import urlopen

import pytest

from config.databases import fresh_database

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "test-artifacts"
# An integration's key on the demo brand (events in), printed for the tests to use.
_CREATE_KEY = (
    "from django_tenants.utils import schema_context\n"
    "from apps.organisation.services import api_key_create\n"
    "with schema_context('brand_demo'):\n"
    "    print(api_key_create(name='e2e', roles=['product_ops'], created_by=None)[1])"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def product():
    """Base URL pieces of a running product with the demo brand seeded."""
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed")
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": fresh_database("siyu_e2e"),
        "SITE_PORT": str(port),
        "PASSWORD_HASHERS": "django.contrib.auth.hashers.MD5PasswordHasher",
        "CELERY_QUEUE": f"e2e-{port}",  # its own queue: no other worker on this Redis takes its tasks
    }
    manage = [sys.executable, "manage.py"]
    for args in (["migrate_schemas", "--noinput", "-v", "0"], ["seed_demo"]):
        subprocess.run(manage + args, cwd=ROOT, env=env, check=True, capture_output=True)
    api_key = (
        subprocess.run(
            [*manage, "shell", "-c", _CREATE_KEY], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    bin_dir = Path(sys.executable).parent
    worker = subprocess.Popen(
        [str(bin_dir / "celery"), "-A", "config", "worker", "-Q", env["CELERY_QUEUE"], "--concurrency", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = subprocess.Popen(
        [
            str(bin_dir / "gunicorn"),
            "config.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "4",
        ],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            urlopen(f"http://localhost:{port}/", timeout=1)
            break
        except OSError:
            if time.monotonic() > deadline:
                server.kill()
                raise
            time.sleep(0.2)
    yield {
        "port": port,
        "public": f"http://localhost:{port}",
        "demo": f"http://demo.localhost:{port}",
        "api_key": api_key,
    }
    for process in (server, worker):
        process.terminate()
        process.wait(10)


@pytest.fixture(scope="session")
def browser(product):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def demo_login(page, product, email: str, lands_on: str) -> None:
    """Sign in to the demo brand from its front door and wait for one's home page."""
    from apps.organisation.demo import DEMO_PASSWORD

    page.goto(product["demo"] + "/")  # anonymous: sent to the login page
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(f"{re.escape(lands_on)}(\\?.*)?$"))
