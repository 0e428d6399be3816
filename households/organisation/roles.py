"""The four roles, each a Django group, and the named predicates every gate and the navigation
use to decide what a user may do (the one place access by role is decided).

Area scoping (which rows a user sees) is built on these in `households.organisation.selectors`.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from .models import Area

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


def works_with_areas(user) -> bool:
    """Area officers and provincial staff: those who work with the area data (households,
    reviews, imports and exports, support records, official tables). Agency staff do not."""
    return is_area_officer(user) or is_provincial(user)


def has_working_role(user) -> bool:
    """Provincial staff, area officers or agency staff (programmes and dashboards)."""
    return works_with_areas(user) or is_agency_staff(user)


def primary_role(user) -> str | None:
    for role in (ADMINISTRATOR, PROVINCIAL_STAFF, AREA_OFFICER, AGENCY_STAFF):
        if role == ADMINISTRATOR and is_administrator(user):
            return role
        if role in group_names(user):
            return role
    return None


# --- the areas an officer works for ------------------------------------------------------------


def officer_area_paths(user) -> tuple[str, ...]:
    """The paths of the area nodes assigned to a user as officer (their profile's areas),
    read once per request (cached on the user)."""
    if not user.is_authenticated:
        return ()
    cached = getattr(user, "_officer_paths", None)
    if cached is None:
        cached = tuple(
            Area.objects.filter(officers__user=user).order_by("path").values_list("path", flat=True)
        )
        user._officer_paths = cached
    return cached


def entry_paths(user) -> tuple[str, ...]:
    """The area paths under which a user enters data and sees identifiers in full: an area
    officer's own areas; nobody else's (provincial staff read, officers write)."""
    if user is None or not is_area_officer(user) or is_provincial(user):
        return ()
    return officer_area_paths(user)


def area_path_of(where) -> str:
    """The area path of an area, of a household, of what belongs to one (member, review), or
    the path itself."""
    if where is None:
        return ""
    if isinstance(where, str):
        return where
    if isinstance(where, Area):
        return where.path
    if getattr(where, "area_path", ""):
        return where.area_path
    household = getattr(where, "household", None)
    return getattr(household, "area_path", "") if household is not None else ""


def can_enter_for(user, where) -> bool:
    """Whether the user enters and edits data for `where` (an area, a household, a member, a
    review, or an area path): the officers of that area only."""
    path = area_path_of(where)
    return bool(path) and path.startswith(entry_paths(user))
