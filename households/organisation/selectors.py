"""Who sees which areas: the one place where area scoping is decided.

Every page, export, import and job that touches area data goes through `scope_paths` /
`scoped`: an officer sees the area nodes assigned to them and everything below; provincial
staff see everything; anybody else sees nothing. Lookups outside the scope raise Http404.
Identifiers (citizen ID, phone) are shown in full only to the officers of their own area
(`identifier_for`).
"""

from __future__ import annotations

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
        paths = tuple(
            Area.objects.filter(officers__user=user).order_by("path").values_list("path", flat=True)
        )
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


def identifier_paths(user) -> tuple[str, ...]:
    """The area paths under which a user sees citizen IDs and phones in full: an officer's own
    areas; nobody else's (provincial staff included)."""
    paths = scope_paths(user)
    return () if paths is EVERYTHING else tuple(paths or ())


def _area_path_of(obj) -> str:
    """The area path of a household, of what belongs to one (member, review), or of an area."""
    if obj is None:
        return ""
    if isinstance(obj, Area):
        return obj.path
    if getattr(obj, "area_path", ""):
        return obj.area_path
    household = getattr(obj, "household", None)
    return getattr(household, "area_path", "") if household is not None else ""


def can_see_identifiers(user, obj) -> bool:
    """Full citizen IDs and phones only for officers of the household's own area (`obj`: a
    household, member, review or area); everybody else, provincial staff included, masked."""
    if user is None:
        return False
    path = _area_path_of(obj)
    return bool(path) and path.startswith(identifier_paths(user) or ("\0",))


def identifier_for(user, obj, value) -> str:
    """The value in full for the officers of obj's area, masked for everybody else."""
    value = "" if value is None else str(value)
    if not value:
        return ""
    return value if can_see_identifiers(user, obj) else mask_identifier(value)
