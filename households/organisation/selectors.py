"""Who sees which areas: the one place where area scoping is decided.

Every page, export, import and job that touches area data goes through `scope_paths` /
`scoped`: an officer sees the area nodes assigned to them and everything below; provincial
staff see everything; anybody else sees nothing. Lookups outside the scope raise Http404.
Identifiers (citizen ID, phone) are shown in full only to the officers of their own area
(`identifier_for`).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q, QuerySet
from django.http import Http404

from households.rules import mask_identifier

from . import roles
from .models import Agency, Area

EVERYTHING = None


def scope_paths(user) -> tuple[str, ...] | None:
    """The area paths a user may see (None = the whole province, () = nothing)."""
    if not user.is_authenticated:
        return ()
    cached = getattr(user, "_scope_paths", False)
    if cached is not False:
        return cached
    if roles.is_provincial(user):
        paths = EVERYTHING
    elif roles.is_area_officer(user):
        paths = roles.officer_area_paths(user)
    else:
        paths = ()
    user._scope_paths = paths
    return paths


def scope_q(user, field: str = "area_path") -> Q:
    """A filter keeping rows whose `field` (an area path) lies in the user's scope."""
    paths = scope_paths(user)
    if paths is EVERYTHING:
        return Q()
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


def scoped(user, queryset: QuerySet, field: str = "area_path") -> QuerySet:
    return queryset.filter(scope_q(user, field))


def area_in_scope(user, area: Area) -> bool:
    paths = scope_paths(user)
    if paths is EVERYTHING:
        return True
    return any(area.path.startswith(p) for p in paths or ())


def area_list_for_user(user) -> QuerySet[Area]:
    return scoped(user, Area.objects.all(), "path")


def area_get_for_user(user, *, code: str) -> Area:
    try:
        return area_list_for_user(user).get(code=code)
    except Area.DoesNotExist as exc:
        raise Http404 from exc


def root_areas_for_user(user) -> QuerySet[Area]:
    """The top nodes a user works from (the province for provincial staff)."""
    paths = scope_paths(user)
    if paths is EVERYTHING:
        return Area.objects.filter(parent__isnull=True)
    return Area.objects.filter(path__in=paths or ())


def commune_list_for_user(user) -> QuerySet[Area]:
    return area_list_for_user(user).filter(level=Area.Level.COMMUNE)


def agency_of(user) -> Agency | None:
    if not user.is_authenticated:
        return None
    profile = getattr(user, "profile", None)
    return profile.agency if profile is not None else None


def hamlet_list_for_user(user) -> QuerySet[Area]:
    return area_list_for_user(user).filter(level=Area.Level.HAMLET).select_related("parent")


# --- identifiers (citizen ID, phone): the one masking path -------------------------------------


def identifier_masker(user) -> Callable[[object, object], str]:
    """`shown(where, value)`: the value in full under the areas the user enters data for
    (roles.can_enter_for: an officer's own areas), masked (rules.mask_identifier) everywhere
    else, provincial staff included; "" for no value. `where` is a household, member, review,
    area or area path. Decided once per user, so an export of 100,000 rows asks once."""
    paths = roles.entry_paths(user)

    def shown(where, value) -> str:
        value = "" if value is None else str(value)
        if not value:
            return ""
        path = roles.area_path_of(where)
        return value if path and path.startswith(paths) else mask_identifier(value)

    return shown


def identifier_for(user, where, value) -> str:
    """One identifier as `user` may see it (pages, templates' `{% masked %}`, the admin)."""
    return identifier_masker(user)(where, value)
