import pytest

from . import matrix_report
from .world import World

ROLES = ("anonymous", "alice", "bob", "charlie", "agnes", "olga", "nobody", "pat")


@pytest.fixture
def users(request, db):
    return {role: None if role == "anonymous" else request.getfixturevalue(role) for role in ROLES}


@pytest.fixture
def world(users):
    return World(users)


def pytest_terminal_summary(terminalreporter):
    lines = matrix_report.summary_lines()
    if lines:
        terminalreporter.section("permission matrix")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """A streamed download's close() sends request_finished, whose close_old_connections would
    close the test transaction's PostgreSQL connection mid-test; keep it open here."""
    from django.core.signals import request_finished
    from django.db import close_old_connections

    request_finished.disconnect(close_old_connections)
    yield
    request_finished.connect(close_old_connections)
