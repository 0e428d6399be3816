"""Fault tests: real PostgreSQL, Redis and Celery workers, stopped, killed and restarted.

They start their OWN servers (tests/faults/servers.py) and never touch the shared ones; they
are skipped, with the reason, only where those servers cannot be started (no binaries, port
taken) or the suite runs on SQLite (the transactions under test are PostgreSQL's)."""

from __future__ import annotations

import os

import pytest
from django.db import connection

from households.reference_data import all_reference_data_load

from .servers import PostgresServer, RedisServer, Unavailable, port_for


@pytest.fixture(scope="session")
def fault_redis():
    try:
        server = RedisServer(port_for(int(os.environ.get("FAULT_REDIS_PORT", "56390"))))
        server.start()
    except Unavailable as exc:
        pytest.skip(f"no throw-away Redis: {exc}")
    yield server
    server.close()


@pytest.fixture
def redis_up(fault_redis):
    """The throw-away Redis running at the start of the test (a test may have stopped it)."""
    if fault_redis.process is None:
        fault_redis.start()
    return fault_redis


@pytest.fixture(scope="session")
def fault_postgres():
    try:
        server = PostgresServer(port_for(int(os.environ.get("FAULT_PG_PORT", "55490"))))
        server.start()
    except Unavailable as exc:
        pytest.skip(f"no throw-away PostgreSQL: {exc}")
    yield server
    server.close()


@pytest.fixture
def needs_postgres(db):
    if connection.vendor != "postgresql":
        pytest.skip("fault tests of transactions run on PostgreSQL (set DATABASE_URL)")


@pytest.fixture
def reference_reloaded(django_db_blocker):
    """Transactional tests empty the tables at the end: reload the reference data before and
    after (as tests/reports/test_celery_worker.py does)."""
    with django_db_blocker.unblock():
        all_reference_data_load()
    yield
    with django_db_blocker.unblock():
        all_reference_data_load()


def database_url_of_tests() -> str:
    """The URL of the test database this process uses, for worker subprocesses."""
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def broker_app(redis_up, settings, monkeypatch):
    """The project's tasks on a real app whose broker and cache are the throw-away Redis."""
    from celery import Celery

    from config.celery_app import app as project_app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = f"{redis_up.url}/0"
    # Celery's conf prefers the CELERY_BROKER_URL environment variable to any setting.
    monkeypatch.setenv("CELERY_BROKER_URL", f"{redis_up.url}/0")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"{redis_up.url}/1",
        }
    }
    app = Celery("giamngheo-fault-broker", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        broker_url=f"{redis_up.url}/0",
        task_always_eager=False,
        task_default_queue="fault-broker",
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=2,
    )
    app.autodiscover_tasks(["households", "reports"], force=True)
    app.set_current()
    app.set_default()
    yield app
    app.close()
    project_app.set_current()
    project_app.set_default()


@pytest.fixture
def worker_connections_closed():
    import threading

    from celery.signals import task_postrun
    from django.db import connections

    def close(**_kwargs) -> None:
        if threading.current_thread() is not threading.main_thread():
            connections.close_all()

    task_postrun.connect(close, weak=False)
    yield
    task_postrun.disconnect(close)


@pytest.fixture
def worker_process(redis_up, needs_postgres, tmp_path):
    """A real Celery worker (prefork, one child) on the test database and the throw-away
    Redis, in its own process: the tests kill its child."""
    import subprocess
    import sys
    import time
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url_of_tests(),
        "CELERY_BROKER_URL": f"{redis_up.url}/0",
        "REDIS_URL": f"{redis_up.url}/1",
        "MEDIA_ROOT": str(tmp_path / "worker-media"),
    }
    log_path = tmp_path / "worker.log"
    log = log_path.open("w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-P", "prefork", "-c", "1",
         "-Q", "fault-broker", "--without-mingle", "--without-gossip", "-l", "info"],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and "ready." not in log_path.read_text():
        if worker.poll() is not None:
            pytest.fail(f"the worker did not start: {log_path.read_text()[-2000:]}")
        time.sleep(0.3)
    yield worker
    worker.terminate()
    try:
        worker.wait(20)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait(10)
    log.close()


def pool_children(pid: int) -> list[int]:
    """The worker's pool processes (Linux /proc)."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            return [int(p) for p in handle.read().split()]
    except OSError:
        return []
