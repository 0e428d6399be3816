"""The role predicates every gate and the navigation use, and the identifier masking built on
them (households.organisation.roles / selectors). No database: a user here is a stand-in
carrying what the predicates read (groups and assigned area paths, cached as on a request)."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser

from households.models import Area, Household, Member
from households.organisation import roles
from households.organisation.selectors import identifier_for, identifier_masker

BA_TRI = "83/836/"
AN_DUC = "83/836/29173/"
THANH_PHU = "83/837/"


def user(*groups, superuser=False, areas=()):
    return SimpleNamespace(
        is_authenticated=True,
        is_superuser=superuser,
        _role_groups=frozenset(groups),
        _officer_paths=tuple(areas),
    )


OFFICER = user(roles.AREA_OFFICER, areas=[BA_TRI])
PROVINCIAL = user(roles.PROVINCIAL_STAFF)
ADMIN_GROUP = user(roles.ADMINISTRATOR)
SUPERUSER = user(superuser=True)
AGENCY = user(roles.AGENCY_STAFF)
NO_ROLE = user()
ANONYMOUS = AnonymousUser()


@pytest.mark.parametrize(
    ("who", "provincial", "officer", "agency", "areas", "working"),
    [
        (OFFICER, False, True, False, True, True),
        (PROVINCIAL, True, False, False, True, True),
        (ADMIN_GROUP, True, False, False, True, True),
        (SUPERUSER, True, False, False, True, True),
        (AGENCY, False, False, True, False, True),
        (NO_ROLE, False, False, False, False, False),
        (ANONYMOUS, False, False, False, False, False),
    ],
)
def test_role_predicates(who, provincial, officer, agency, areas, working):
    assert roles.is_provincial(who) is provincial
    assert roles.is_area_officer(who) is officer
    assert roles.is_agency_staff(who) is agency
    assert roles.works_with_areas(who) is areas
    assert roles.has_working_role(who) is working


def test_administrators_are_provincial_and_their_role_comes_first():
    assert roles.is_administrator(ADMIN_GROUP)
    assert roles.is_administrator(SUPERUSER)
    assert not roles.is_administrator(PROVINCIAL)
    assert not roles.is_administrator(ANONYMOUS)
    assert roles.primary_role(SUPERUSER) == roles.ADMINISTRATOR
    assert roles.primary_role(user(roles.AREA_OFFICER, roles.PROVINCIAL_STAFF)) == (
        roles.PROVINCIAL_STAFF
    )
    assert roles.primary_role(AGENCY) == roles.AGENCY_STAFF
    assert roles.primary_role(NO_ROLE) is None
    assert roles.primary_role(ANONYMOUS) is None


def test_officers_enter_data_for_their_own_areas_and_everything_below_only():
    assert roles.can_enter_for(OFFICER, BA_TRI)
    assert roles.can_enter_for(OFFICER, AN_DUC)
    assert roles.can_enter_for(OFFICER, Area(path=AN_DUC))
    assert roles.can_enter_for(OFFICER, Household(area_path=AN_DUC))
    assert roles.can_enter_for(OFFICER, Member(household=Household(area_path=AN_DUC)))
    assert not roles.can_enter_for(OFFICER, THANH_PHU)
    assert not roles.can_enter_for(OFFICER, "83/")  # the province above them
    assert not roles.can_enter_for(OFFICER, "")
    assert not roles.can_enter_for(OFFICER, None)
    assert not roles.can_enter_for(user(roles.AREA_OFFICER), AN_DUC)  # no area assigned


@pytest.mark.parametrize("who", [PROVINCIAL, SUPERUSER, AGENCY, NO_ROLE, ANONYMOUS, None])
def test_nobody_else_enters_data_for_an_area(who):
    assert not roles.can_enter_for(who, AN_DUC)


def test_provincial_staff_who_are_also_officers_read_but_do_not_enter():
    both = user(roles.AREA_OFFICER, roles.PROVINCIAL_STAFF, areas=[BA_TRI])
    assert roles.works_with_areas(both)
    assert not roles.can_enter_for(both, AN_DUC)


def test_identifiers_in_full_only_where_the_user_enters_data():
    cid = "083190000111"
    assert identifier_for(OFFICER, Household(area_path=AN_DUC), cid) == cid
    assert identifier_for(OFFICER, THANH_PHU, cid) == "0**********1"
    assert identifier_for(PROVINCIAL, AN_DUC, cid) == "0**********1"
    assert identifier_for(None, AN_DUC, cid) == "0**********1"
    assert identifier_for(OFFICER, AN_DUC, "") == ""
    assert identifier_for(OFFICER, AN_DUC, None) == ""
    shown = identifier_masker(OFFICER)
    assert [shown(path, "0912000333") for path in (AN_DUC, THANH_PHU)] == [
        "0912000333",
        "0********3",
    ]
