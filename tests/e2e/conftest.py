"""Browser tests drive the real product: gunicorn on a free port, over a fresh database.

They need Debian's chromium (`make test` installs it where it may: `config/stack.py`); without it
they fail, unless SIYU_SKIP_BROWSER_TESTS=1 says to skip them.
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
# Playwright's sync API keeps an event loop running in this worker's thread for the whole session;
# the other tests this worker runs afterwards touch the database from the same thread, which
# Django would otherwise refuse as "async context".
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
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


_RUNNING: dict = {}  # the product, started once per test process (see product)


def _start_product() -> dict:
    import tempfile

    port, wecom_port = _free_port(), _free_port()
    corp_file = Path(tempfile.mkdtemp(prefix="siyu-e2e-")) / "demo-corp.json"
    env = {
        **{name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DATABASE_URL": fresh_database(f"siyu_e2e_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"),
        "SITE_PORT": str(port),
        "PASSWORD_HASHERS": "django.contrib.auth.hashers.MD5PasswordHasher",
        "TV_ROTATE_SECONDS": "4",  # the wall test waits for one rotation
        "CELERY_QUEUE": f"e2e-{port}",  # its own queue: no other worker on this Redis takes its tasks
        # The demo's simulated WeCom, of its own (not `make run`'s): still, so the tests decide what happens.
        "WECOM_SIMULATOR_URL": f"http://127.0.0.1:{wecom_port}",
        "WECOM_DEMO_CORP_FILE": str(corp_file),
    }
    manage = [sys.executable, "manage.py"]
    for args in (["migrate_schemas", "--noinput", "-v", "0"], ["seed_demo"]):
        done = subprocess.run(manage + args, cwd=ROOT, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-3000:]
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
        [str(bin_dir / "gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    simulator = subprocess.Popen(
        [
            *manage,
            "wecom_simulator",
            "--corp",
            str(corp_file),
            "--callback-url",
            f"http://127.0.0.1:{port}/wecom/callback/",
            "--callback-host",
            f"demo.localhost:{port}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _RUNNING["processes"] = [server, worker, simulator]
    deadline = time.monotonic() + 90  # a loaded machine (the rest of the suite on the other cores) starts slowly
    while True:
        try:
            urlopen(f"http://localhost:{port}/", timeout=1)
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    return {
        "port": port,
        "public": f"http://localhost:{port}",
        "demo": f"http://demo.localhost:{port}",
        "api_key": api_key,
        "wecom": f"http://127.0.0.1:{wecom_port}",
        "corp_file": corp_file,
    }


def pytest_sessionfinish(session):
    for process in _RUNNING.pop("processes", []):
        process.terminate()
        process.wait(10)


@pytest.fixture(scope="session")
def product():
    """Base URL pieces of a running product with the demo brand seeded. Started once per test
    process and stopped when the session ends: pytest-xdist may tear session fixtures down and
    set them up again between tests, and seeding the demo takes half a minute."""
    if CHROMIUM is None:
        if os.environ.get("SIYU_SKIP_BROWSER_TESTS") == "1":
            pytest.skip("SIYU_SKIP_BROWSER_TESTS=1")
        pytest.fail(
            "Debian's chromium is not installed (apt-get install chromium fonts-noto-cjk); `make test` "
            "installs it where it may, SIYU_SKIP_BROWSER_TESTS=1 skips these tests on purpose"
        )
    if "urls" not in _RUNNING:
        _RUNNING["urls"] = _start_product()
    return _RUNNING["urls"]


@pytest.fixture(scope="session")
def browser(product):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_context(browser, **options):
    """A browser context in Chinese. Playwright waits 30 s by default; with the rest of the suite
    on the other core a page can take longer, and a test failing for the machine's load tells
    nothing about the product."""
    context = browser.new_context(**{"locale": "zh-CN", **options})
    context.set_default_timeout(60_000)
    return context


@pytest.fixture
def page(browser):
    context = new_context(browser, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def demo_login(page, product, email: str, lands_on: str) -> None:
    """Sign in to the demo brand from its front door and wait for one's home page."""
    from apps.demo.people import DEMO_PASSWORD

    page.goto(product["demo"] + "/")  # anonymous: sent to the login page
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    try:
        page.wait_for_url(re.compile(f"{re.escape(lands_on)}(\\?.*)?$"))
    except Exception as error:  # say where the browser is instead, and what it shows
        shown = page.evaluate("document.body ? document.body.innerText.slice(0, 400) : ''")
        raise AssertionError(f"{email} did not land on {lands_on}: at {page.url}, showing {shown!r}") from error
