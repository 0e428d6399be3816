"""The shared cast and factories.

alice: commune officer of Xã An Đức (Ba Tri); bob: district officer of Ba Tri;
charlie: district officer of Thạnh Phú (the outsider for Ba Tri data); pat: provincial staff;
agnes: agency staff of Sở Y tế; olga: agency staff of Sở Giáo dục; nobody: logged in, no role.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from households.models import Agency, Area, StaffProfile
from households.organisation import roles
from households.reference_data import all_reference_data_load as reference_data_load

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(scope="session")
def django_db_use_migrations(request) -> bool:
    """PostgreSQL builds the test database by running the migrations: they hold SQL of their own
    (pg_trgm and the partial index) and CI proves them there. SQLite builds it from the models,
    which is the same schema there in a fraction of the time (the SQL migrations do nothing on
    SQLite; `makemigrations --check` and `make smoke` prove the SQLite migrations in CI)."""
    from django.db import connection

    return connection.vendor != "sqlite" and not request.config.getvalue("nomigrations")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Reference data (areas, agencies, the standard, roles) once per test session."""
    with django_db_blocker.unblock():
        reference_data_load()
    yield
    with django_db_blocker.unblock():
        _end_other_sessions()


def _end_other_sessions() -> None:
    """Before the test database is dropped: end the sessions other threads left open (the live
    server's and the in-process worker's are closed when those objects are collected, which may
    come after the drop and make it fail)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


# The permission matrix's table (tests/security): each pytest-xdist worker hands what it saw to
# the controlling process, which writes the table and prints its size.


def pytest_sessionfinish(session):
    _personal_data_in_logs_check(session)
    from tests.security import matrix_report

    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput["permission_matrix"] = [
            matrix_report.RESULTS,
            matrix_report.ROLE_ORDER,
        ]


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    from tests.security import matrix_report

    seen = getattr(node, "workeroutput", {}).get("permission_matrix")
    if seen:
        matrix_report.merge(*seen)


def pytest_terminal_summary(terminalreporter):
    from tests.security import matrix_report

    lines = matrix_report.summary_lines()
    if lines:
        terminalreporter.section("permission matrix")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in Vietnamese: a request in English (the language cookie) leaves English
    active in the thread, and a later test's messages would be English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def make_user(username: str, role: str | None, *, areas=(), agency_code: str = ""):
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, first_name=username.title()
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    profile = StaffProfile.objects.create(
        user=user, agency=Agency.objects.get(code=agency_code) if agency_code else None
    )
    if areas:
        profile.areas.set(Area.objects.filter(code__in=areas))
    return user


@pytest.fixture
def alice(db):
    return make_user("alice", roles.AREA_OFFICER, areas=["29173"])  # Xã An Đức, Ba Tri


@pytest.fixture
def bob(db):
    return make_user("bob", roles.AREA_OFFICER, areas=["836"])  # Huyện Ba Tri


@pytest.fixture
def charlie(db):
    return make_user("charlie", roles.AREA_OFFICER, areas=["837"])  # Huyện Thạnh Phú


@pytest.fixture
def pat(db):
    return make_user("pat", roles.PROVINCIAL_STAFF, agency_code="SLDTBXH")


@pytest.fixture
def agnes(db):
    return make_user("agnes", roles.AGENCY_STAFF, agency_code="SYT")


@pytest.fixture
def olga(db):
    return make_user("olga", roles.AGENCY_STAFF, agency_code="SGDDT")


@pytest.fixture
def nobody(db):
    return make_user("nobody", None)


@pytest.fixture
def area():
    def get(code: str) -> Area:
        return Area.objects.get(code=code)

    return get


def login(client, user):
    client.force_login(user)
    return client


# --- no personal data in the logs (issue 20) ---------------------------------------------------
# The whole run's log lines are written to settings.TEST_LOG_FILE through production's filters;
# when the run ends, any line with a citizen ID or a phone number fails it.
# Not inside a longer token (a task or request id is hex with dashes).
PERSONAL_IN_LOGS = re.compile(r"(?<![0-9A-Za-z-])(?:\d{12}|(?:\+84|0)\d{9,10})(?![0-9A-Za-z-])")


def _is_controller(config) -> bool:
    return not hasattr(config, "workerinput")  # pytest-xdist workers have it


def pytest_sessionstart(session):
    from django.conf import settings

    if _is_controller(session.config):
        Path(settings.TEST_LOG_FILE).write_text("")


def _personal_data_in_logs_check(session) -> None:
    from django.conf import settings

    log = Path(settings.TEST_LOG_FILE)
    if not _is_controller(session.config) or not log.exists():
        return
    leaks = [
        line
        for line in log.read_text(errors="replace").splitlines()
        if PERSONAL_IN_LOGS.search(line)
    ]
    if leaks:
        sys.stderr.write(
            f"\n{len(leaks)} log line(s) of this run carry a citizen ID or phone number "
            f"({log}):\n" + "\n".join(leaks[:20]) + "\n"
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_collection_modifyitems(config, items) -> None:
    """The longest test (the hostile-value run, minutes of CPU) first, so that the xdist
    workers share the rest of the suite instead of one of them finishing it alone."""
    items.sort(key=lambda item: item.get_closest_marker("hostile") is None)
