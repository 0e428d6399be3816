"""Fault tests: real PostgreSQL, Redis and Celery workers, stopped, killed and restarted.

They start their OWN servers (tests/faults/servers.py) and never touch the shared ones; they
are skipped, with the reason, only where those servers cannot be started (no binaries, port
taken) or the suite runs on SQLite (the transactions under test are PostgreSQL's)."""

from __future__ import annotations

import os

import pytest
from django.db import connection

from households.reference_data import all_reference_data_load

from .servers import PostgresServer, RedisServer, Unavailable


@pytest.fixture(scope="session")
def fault_redis():
    try:
        server = RedisServer(int(os.environ.get("FAULT_REDIS_PORT", "56390")))
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
        server = PostgresServer(int(os.environ.get("FAULT_PG_PORT", "55490")))
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
