"""Citizen IDs and phone numbers in full only for the officers of the household's area."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory

from households.organisation.roles import can_enter_for
from households.organisation.selectors import identifier_for

pytestmark = pytest.mark.django_db

TEMPLATE = Template(
    "{% load privacy %}[{% masked h.head_citizen_id h %}] [{% masked h.phone h %}] "
    "[{% masked m.citizen_id m %}] [{{ h.phone|mask }}]"
)


def render(user, household) -> str:
    request = RequestFactory().get("/")
    request.user = user
    member = household.members.get()
    return TEMPLATE.render(Context({"request": request, "h": household, "m": member}))


FULL_A = "[083190000111] [0912000111] [083210000114] [0********1]"
MASKED_A = "[0**********1] [0********1] [0**********4] [0********1]"


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("alice", FULL_A),  # commune officer of An Đức
        ("bob", FULL_A),  # district officer of Ba Tri
        ("charlie", MASKED_A),  # officer of another district
        ("pat", MASKED_A),  # provincial staff: not an officer of the area
        ("agnes", MASKED_A),
        ("nobody", MASKED_A),
    ],
)
def test_identifiers_are_shown_in_full_only_to_the_areas_officers(world, users, role, expected):
    assert render(users[role], world.households["A"]) == expected


def test_anonymous_sees_masked(world):
    assert render(AnonymousUser(), world.households["A"]) == MASKED_A


def test_an_officer_sees_masked_outside_the_area(world, users):
    assert not can_enter_for(users["alice"], world.households["B"])
    assert can_enter_for(users["bob"], world.households["B"])
    assert identifier_for(users["alice"], world.households["C"], "0912000333") == "0********3"
    assert identifier_for(users["charlie"], world.households["C"], "0912000333") == "0912000333"


def test_works_for_reviews_areas_and_empty_values(world, users):
    alice = users["alice"]
    assert can_enter_for(alice, world.review)
    assert can_enter_for(alice, world.commune)
    assert not can_enter_for(alice, world.district)
    assert identifier_for(alice, world.household, "") == ""
    assert identifier_for(alice, world.household, None) == ""


def test_one_query_for_a_page_of_rows(world, users, django_assert_num_queries):
    alice = users["alice"]
    alice._role_groups = frozenset({"area_officer"})
    with django_assert_num_queries(1):
        for household in world.households.values():
            identifier_for(alice, household, household.phone)
