"""The second login limit: one username tried from many addresses (issue 16). axes locks a
username at one address after AXES_FAILURE_LIMIT failures; this one refuses a username after
LOGIN_USERNAME_FAILURE_LIMIT failures from all addresses together, through the login page."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
LIMITED = "đã bị thử sai quá nhiều lần (từ nhiều máy khác nhau)"


@pytest.fixture(autouse=True)
def _low_limit(settings):
    settings.LOGIN_USERNAME_FAILURE_LIMIT = 8  # axes: 5 at one address


def _login(username: str, password: str, ip: str, client: Client | None = None):
    return (client or Client()).post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def _spread_failures(username: str, n: int) -> None:
    """n failures, at most AXES_FAILURE_LIMIT - 1 from each address (none of them locked)."""
    per_address = settings.AXES_FAILURE_LIMIT - 1
    for i in range(n):
        response = _login(username, "wrong", f"10.9.{i // per_address}.1")
        assert response.status_code == 200


def test_one_username_from_many_addresses_is_refused_even_with_the_right_password(alice):
    _spread_failures("alice", 8)
    client = Client()
    response = _login("alice", PASSWORD, "10.200.0.1", client)
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    page = response.content.decode()
    assert LIMITED in page
    assert "15 phút" in page
    assert "_auth_user_id" not in client.session
    # Other usernames are not affected, at any of those addresses.
    assert _login("bob", PASSWORD, "10.9.0.1", Client()).status_code != 429


def test_under_the_limit_the_owner_still_logs_in_from_a_new_address(alice, bob):
    _spread_failures("alice", 7)
    assert _login("alice", PASSWORD, "10.200.0.2").status_code == 302


def test_the_message_is_the_same_for_a_username_that_does_not_exist(alice):
    _spread_failures("alice", 8)
    _spread_failures("ghost-user", 8)

    def message(username):
        page = _login(username, "whatever", "10.201.0.1").content.decode()
        start = page.index('class="alert error')
        return page[start : page.index("</div>", start)]

    assert message("alice") == message("ghost-user")
    assert LIMITED in message("ghost-user")


def test_the_refusal_is_shown_in_english_too(alice):
    _spread_failures("alice", 8)
    client = Client()
    client.cookies["django_language"] = "en"
    page = _login("alice", PASSWORD, "10.202.0.1", client).content.decode()
    assert "tried wrongly too many times (from several machines)" in page


def test_the_administrators_unlock_clears_the_username_limit(alice):
    _spread_failures("alice", 8)
    assert _login("alice", PASSWORD, "10.203.0.1").status_code == 429
    root = get_user_model().objects.create_superuser("root", "r@example.invalid", "x" * 12)
    admin = Client()
    admin.force_login(root)
    response = admin.post(
        reverse("admin:auth_user_changelist"),
        {"action": "unlock_login", "_selected_action": [alice.pk]},
        follow=True,
    )
    assert "Đã mở khóa đăng nhập cho 1 người dùng" in response.content.decode()
    assert _login("alice", PASSWORD, "10.203.0.1").status_code == 302


def test_the_reset_command_clears_it_too(alice):
    _spread_failures("alice", 8)
    call_command("axes_reset_username", "alice", verbosity=0)
    assert _login("alice", PASSWORD, "10.204.0.1").status_code == 302
