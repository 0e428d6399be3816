import pytest

from .world import World

ROLES = ("anonymous", "alice", "bob", "charlie", "agnes", "olga", "nobody", "pat")


@pytest.fixture
def users(request, db):
    return {role: None if role == "anonymous" else request.getfixturevalue(role) for role in ROLES}


@pytest.fixture
def world(users):
    return World(users)
