"""The shared cast and factories.

alice: commune officer of Xã An Đức (Ba Tri); bob: district officer of Ba Tri;
charlie: district officer of Thạnh Phú (the outsider for Ba Tri data); pat: provincial staff;
agnes: agency staff of Sở Y tế; olga: agency staff of Sở Giáo dục; nobody: logged in, no role.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from households.models import Agency, Area, StaffProfile
from households.organisation import roles
from households.reference_data import all_reference_data_load as reference_data_load

PASSWORD = "correct-horse-battery-staple"


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
