"""The admin with every role: identifiers masked on every admin page a non-officer can open,
no household record editable there, and a search by a full ID only for those who may see it.

Every role is made staff here (as an administrator could do by mistake): the masking must not
depend on who was given the admin.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from households.models import Household

from .conftest import ROLES
from .world import IDS_VISIBLE, NAMES_VISIBLE, SAMPLES

pytestmark = pytest.mark.django_db
LOGGED_IN = [r for r in ROLES if r != "anonymous"]


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser("root", "root@example.invalid", "x" * 12)


def _pages(world) -> dict[str, str]:
    household = world.household
    member = world.member
    review = world.review
    record = household.history.first()
    return {
        "household list": reverse("admin:households_household_changelist"),
        "household page": reverse("admin:households_household_change", args=[household.pk]),
        "household history": reverse("admin:households_household_history", args=[household.pk]),
        "household old version": reverse(
            "admin:households_household_simple_history", args=[household.pk, record.pk]
        ),
        "member list": reverse("admin:households_member_changelist"),
        "member page": reverse("admin:households_member_change", args=[member.pk]),
        "member old version": reverse(
            "admin:households_member_simple_history",
            args=[member.pk, member.history.first().pk],
        ),
        "review page": reverse("admin:households_householdreview_change", args=[review.pk]),
        "support records": reverse("admin:programs_supportrecord_changelist"),
    }


def _secrets_shown(body: str, visible: set[str]) -> list[str]:
    return [
        f"{key} {what}"
        for key, sample in SAMPLES.items()
        if key not in visible
        for what, value in sample.secrets().items()
        if value in body
    ]


@pytest.mark.parametrize("role", [*LOGGED_IN, "superuser"])
def test_admin_pages_mask_identifiers_for_everyone_but_the_area_officers(
    client, world, users, admin_user, role
):
    user = admin_user if role == "superuser" else users[role]
    user.is_staff = True
    user.save()
    client.force_login(user)
    visible = set() if role == "superuser" else IDS_VISIBLE[role]
    opened = []
    for name, url in _pages(world).items():
        response = client.get(url)
        assert response.status_code in (200, 302, 403, 404), (name, response.status_code)
        body = response.content.decode()
        if response.status_code == 200:
            opened.append(name)
        assert _secrets_shown(body, visible) == [], (role, name)
        if role != "superuser":
            names = NAMES_VISIBLE[role]
            for key, sample in SAMPLES.items():
                if key not in names:
                    assert sample.head_name not in body, (role, name, key)
    if role in ("pat", "superuser"):
        assert "household page" in opened
        assert "member page" in opened
        page = client.get(_pages(world)["household page"]).content.decode()
        assert "0**********1" in page  # A's head citizen ID, masked
    if role in ("alice", "bob") and "household page" in opened:
        page = client.get(_pages(world)["household page"]).content.decode()
        assert SAMPLES["A"].citizen_id in page  # the officers of the area see it in full


@pytest.mark.parametrize("role", ["alice", "bob", "pat", "superuser"])
def test_no_household_record_can_be_changed_through_the_admin(
    client, world, users, admin_user, role
):
    user = admin_user if role == "superuser" else users[role]
    user.is_staff = True
    user.save()
    client.force_login(user)
    household = world.household
    url = reverse("admin:households_household_change", args=[household.pk])
    client.post(url, {"code": household.code, "head_name": "Đổi tên qua quản trị"})
    client.post(reverse("admin:households_household_delete", args=[household.pk]), {"post": "yes"})
    client.post(reverse("admin:households_household_add"), {"code": "NEW", "head_name": "X"})
    record = household.history.first()
    client.post(
        reverse("admin:households_household_simple_history", args=[household.pk, record.pk]), {}
    )
    household.refresh_from_db()
    assert household.head_name == SAMPLES["A"].head_name
    assert not Household.objects.filter(code="NEW").exists()


@pytest.mark.parametrize(
    ("role", "found"),
    [("alice", True), ("bob", True), ("charlie", False), ("pat", False), ("superuser", False)],
)
def test_admin_search_by_full_id_only_for_those_who_may_see_it(
    client, world, users, admin_user, role, found
):
    user = admin_user if role == "superuser" else users[role]
    user.is_staff = True
    user.save()
    client.force_login(user)
    sample = SAMPLES["A"]
    for url, term in (
        (reverse("admin:households_household_changelist"), sample.citizen_id),
        (reverse("admin:households_household_changelist"), sample.member_citizen_id),
        (reverse("admin:households_member_changelist"), sample.member_citizen_id),
    ):
        response = client.get(url, {"q": term})
        if response.status_code != 200:
            assert not found
            continue
        body = response.content.decode()
        shown = sample.code in body or sample.member_name in body
        assert shown is found, (role, url, term)
