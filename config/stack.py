"""`make run` and `make test`: bring up what is not configured, then run the product or the suite.

    python -m config.stack run    migrate, seed the demo brand, serve web + worker + beat
    python -m config.stack test   run the test suite (extra arguments go to pytest)
    python -m config.stack bench  run the benchmarks in bench/ (or the ones named) and update BENCHMARKS.md

With DATABASE_URL / REDIS_URL set, those servers are used and nothing is started. Otherwise an
embedded PostgreSQL and Redis start under .data/ and stop when this process ends (Ctrl-C).
"""

import hashlib
import http.client
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from config import embedded
from config.databases import ensure_database

PYTHON = sys.executable
MANAGE = [PYTHON, "manage.py"]
STATIC_STAMP = embedded.DATA_DIR / "static" / ".collected"  # collectstatic writes STATIC_ROOT there


def _ensure_services() -> None:
    # Started here, in the parent, so that this process owns them and children only reuse them.
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = embedded.postgres_url()
    if not os.environ.get("REDIS_URL"):
        os.environ["REDIS_URL"] = embedded.redis_url()


def _manage(*args: str) -> None:
    subprocess.run([*MANAGE, *args], check=True)


def _static_stamp() -> str:
    """What collectstatic's output depends on: our static files (paths, sizes, times) and the
    locked packages (whose static files come with them)."""
    digest = hashlib.sha256(Path("requirements.txt").read_bytes())
    for path in sorted(Path("static").rglob("*")):
        if path.is_file():
            info = path.stat()
            digest.update(f"{path}:{info.st_size}:{info.st_mtime_ns}".encode())
    return digest.hexdigest()


def _collect_static() -> tuple[subprocess.Popen, str] | None:
    """Collect and compress the static files when they changed since the last run, in the
    background (pages are served from the source folders meanwhile); None when nothing to do."""
    stamp = _static_stamp()
    if STATIC_STAMP.exists() and STATIC_STAMP.read_text() == stamp:
        return None
    return subprocess.Popen([*MANAGE, "collectstatic", "--noinput", "-v", "0"]), stamp


def _banner(port: str, logins: str) -> str:
    site = f"http://localhost:{port}"
    demo = f"http://demo.localhost:{port}"
    return (
        f"\n  Siyu is up."
        f"\n    public site (landing, pricing, signup)  {site}/"
        f"\n    platform admin (platform staff)         {site}/admin/   "
        f"(create staff: .venv/bin/python manage.py createsuperuser)"
        f"\n    demo brand                              {demo}/   (花漾美妆)"
        f"\n    brand admin                             {demo}/admin/"
        f"\n    API docs / OpenAPI                      {demo}/api/docs/  {demo}/api/schema/"
        f"\n    health                                  {site}/health/"
        f"\n    simulated WeCom (the demo is connected)  {demo}/settings/wecom/   (fans come and go by themselves)"
        f"\n  Demo logins (role, email / password; the reps are rep01@ … rep50@):\n{logins}"
        f"\n  Emails (daily reports, password resets) are printed by the worker. Ctrl-C stops everything.\n"
    )


def _announce_when_up(port: str, banner: str) -> None:
    """Print the banner once the web answers (honcho's own lines come first)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        connection = http.client.HTTPConnection("127.0.0.1", int(port), timeout=1)
        try:
            connection.request("GET", "/health/web/")
            if connection.getresponse().status == 200:
                print(banner, flush=True)
                return
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.3)


def run() -> int:
    from honcho.manager import Manager

    _ensure_services()
    ensure_database()
    port = os.environ.setdefault("SITE_PORT", "8000")
    os.environ.setdefault("LOG_FORMAT", "text")  # a terminal's reader; production keeps JSON
    static = _collect_static()
    _manage("migrate_schemas", "--noinput", "-v", "0")
    seeded = subprocess.run([*MANAGE, "seed_demo"], check=True, capture_output=True, text=True).stdout
    logins = "\n".join(line for line in seeded.splitlines() if line.startswith("  "))
    print(seeded.splitlines()[0] if seeded else "", flush=True)
    if static is not None:
        collecting, stamp = static
        if collecting.wait() == 0:
            STATIC_STAMP.write_text(stamp)
        else:
            print("collectstatic failed: static files are served uncompressed", file=sys.stderr, flush=True)
    manager = Manager()
    env = dict(os.environ)
    bin_dir = os.path.dirname(PYTHON)
    manager.add_process("web", f"{bin_dir}/gunicorn config.wsgi -c config/gunicorn.py", env=env)
    # Workers keep their connections longer than web: a connection's first visit to each brand's
    # tables costs more than the work of a periodic check, and beat visits every brand every minute.
    worker_env = {"DB_CONN_MAX_AGE": "900", **env}
    manager.add_process("worker", f"{bin_dir}/celery -A config worker -l info --concurrency 2", env=worker_env)
    manager.add_process(
        "beat",
        f"{bin_dir}/celery -A config beat -l info --schedule {embedded.DATA_DIR / 'celerybeat-schedule'}",
        env=env,
    )
    corp_file = os.environ.get("WECOM_DEMO_CORP_FILE", str(embedded.DATA_DIR / "wecom" / "demo-corp.json"))
    if Path(corp_file).exists():  # the demo brand's simulated WeCom, pushing to its callback URL
        manager.add_process(
            "wecom",
            f"{PYTHON} manage.py wecom_simulator --corp {corp_file} --live "
            f"--callback-url http://127.0.0.1:{port}/wecom/callback/ --callback-host demo.localhost:{port}",
            env=env,
        )
    threading.Thread(target=_announce_when_up, args=(port, _banner(port, logins)), daemon=True).start()
    manager.loop()
    return manager.returncode or 0


BROWSER_PACKAGES = ["chromium", "fonts-noto-cjk"]  # the browser tests' chromium, and Chinese it can draw


def _missing_browser_packages() -> list[str]:
    missing = [] if shutil.which("chromium") else ["chromium"]
    fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True) if shutil.which("fc-list") else None
    if fonts is None or not fonts.stdout.strip():
        missing.append("fonts-noto-cjk")
    return missing


def _ensure_browser() -> None:
    """The browser tests need Debian's chromium and a CJK font: installed here when missing and
    this machine lets us (root with apt-get), else said; the tests then fail rather than skip."""
    missing = _missing_browser_packages()
    if not missing or os.environ.get("SIYU_SKIP_BROWSER_TESTS") == "1":
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        print(f"browser tests need: apt-get install {' '.join(missing)}", file=sys.stderr, flush=True)
        return
    print(f"installing {', '.join(missing)} for the browser tests (apt-get) …", flush=True)
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *missing]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.call(install, env=env, stdout=subprocess.DEVNULL) != 0:  # stale package lists: refresh once
        subprocess.call(["apt-get", "update", "-q"], env=env, stdout=subprocess.DEVNULL)
        subprocess.call(install, env=env, stdout=subprocess.DEVNULL)


def test(args: list[str]) -> int:
    _ensure_services()
    _ensure_browser()
    return subprocess.call([PYTHON, "-m", "pytest", *args])


BENCHMARKS = [
    "bench.brand_creation",
    "bench.kpi_ingest",
    "bench.kpi_queries",
    "bench.compliance",
    "bench.leaderboards",
    "bench.reports",
    "bench.wecom",
]


def bench(names: list[str]) -> int:
    """Every benchmark in bench/ (or those named: `make bench ARGS=kpi_ingest`), each in its own process."""
    _ensure_services()
    chosen = [f"bench.{name}" for name in names] or BENCHMARKS
    return max(subprocess.call([PYTHON, "-m", module]) for module in chosen)


def main(argv: list[str]) -> int:
    commands = {"run": run, "test": lambda: test(argv[2:]), "bench": lambda: bench(argv[2:])}
    if len(argv) < 2 or argv[1] not in commands:
        print(__doc__)
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    return commands[argv[1]]()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
