"""A PostgreSQL restart while serving: 503 with a message during the outage, and the same
server process answers again once PostgreSQL is back (no restart of the app)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = [pytest.mark.faults]
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, str, dict]:
    try:
        with urllib.request.urlopen(url, timeout=15) as response:  # noqa: S310 - our server
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), dict(exc.headers)


@pytest.fixture
def served_app(fault_postgres, tmp_path):
    """The app served by a real server process (one thread: one persistent connection)."""
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": fault_postgres.url,
        "DB_CONN_MAX_AGE": "600",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    for name in ("CELERY_BROKER_URL", "REDIS_URL"):
        env.pop(name, None)
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(  # noqa: S603 - our own command line
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload",
         "--nothreading", "--skip-checks"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            _get(f"{base}/healthz")
            break
        except OSError:
            time.sleep(0.3)
    yield base, server
    server.terminate()
    server.wait(10)
    log.close()


def test_postgres_restart_answers_503_then_recovers_without_restarting_the_app(
    fault_postgres, served_app
):
    base, server = served_app
    assert _get(f"{base}/healthz")[0] == 200
    fault_postgres.stop()
    try:
        status, body, headers = _get(f"{base}/healthz")
        assert status == 503
        assert "Cơ sở dữ liệu đang tạm thời không truy cập được" in body
        assert headers.get("Retry-After") == "30"
        # Still answering, still 503 (not a crash, not a hang).
        assert _get(f"{base}/healthz")[0] == 503
    finally:
        fault_postgres.start()
    status, body, _headers = _get(f"{base}/healthz")
    assert (status, body) == (200, '{"status": "ok"}')
    assert server.poll() is None  # the same process, never restarted
