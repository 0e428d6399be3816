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
