"""The four roles, each a Django group, and how to tell which one a user holds."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

AREA_OFFICER = "area_officer"
PROVINCIAL_STAFF = "provincial_staff"
AGENCY_STAFF = "agency_staff"
ADMINISTRATOR = "administrator"
ROLES = (AREA_OFFICER, PROVINCIAL_STAFF, AGENCY_STAFF, ADMINISTRATOR)


def group_names(user: AbstractBaseUser | AnonymousUser) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_role_groups", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._role_groups = cached
    return cached


def is_administrator(user) -> bool:
    return user.is_authenticated and (user.is_superuser or ADMINISTRATOR in group_names(user))


def is_provincial(user) -> bool:
    """Provincial DOLISA staff (and administrators) see the whole province."""
    return is_administrator(user) or PROVINCIAL_STAFF in group_names(user)


def is_area_officer(user) -> bool:
    return AREA_OFFICER in group_names(user)


def is_agency_staff(user) -> bool:
    return AGENCY_STAFF in group_names(user)


def primary_role(user) -> str | None:
    for role in (ADMINISTRATOR, PROVINCIAL_STAFF, AREA_OFFICER, AGENCY_STAFF):
        if role == ADMINISTRATOR and is_administrator(user):
            return role
        if role in group_names(user):
            return role
    return None
