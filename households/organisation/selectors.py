"""Who sees which areas: the one place where area scoping is decided.

Every page, export, import and job that touches area data goes through `scope_paths` /
`scoped`: an officer sees the area nodes assigned to them and everything below; provincial
staff see everything; anybody else sees nothing. Lookups outside the scope raise Http404.
Identifiers (citizen ID, phone) are shown in full only to the officers of their own area
(`identifier_for`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from households.models.reorganisations import AreaKindChange, ReorganisationStep
from households.rules import mask_identifier
from households.types import AnyUser

from . import roles
from . import rules as area_rules
from .models import Agency, Area

if TYPE_CHECKING:
    from households.models import ReviewRound, StaffProfile

EVERYTHING = None
M = TypeVar("M", bound=Model)


def scope_paths(user: AnyUser) -> tuple[str, ...] | None:
    """The area paths a user may see (None = the whole province, () = nothing)."""
    if not user.is_authenticated:
        return ()
    cached: Any = getattr(user, "_scope_paths", False)
    if cached is not False:
        return cached
    if roles.is_provincial(user):
        paths = EVERYTHING
    elif roles.is_area_officer(user):
        paths = roles.officer_area_paths(user)
    else:
        paths = ()
    user._scope_paths = paths  # type: ignore[attr-defined]  # remembered for the request
    return paths


def scope_q(user: AnyUser, field: str = "area_path") -> Q:
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


def scoped(user: AnyUser, queryset: QuerySet[M], field: str = "area_path") -> QuerySet[M]:
    return queryset.filter(scope_q(user, field))


def area_in_scope(user: AnyUser, area: Area) -> bool:
    paths = scope_paths(user)
    if paths is EVERYTHING:
        return True
    return any(area.path.startswith(p) for p in paths or ())


def area_list_for_user(user: AnyUser) -> QuerySet[Area]:
    return scoped(user, Area.objects.all(), "path")


def area_get_for_user(user: AnyUser, *, code: str) -> Area:
    try:
        return area_list_for_user(user).get(code=code)
    except Area.DoesNotExist as exc:
        raise Http404 from exc


def root_areas_for_user(user: AnyUser) -> QuerySet[Area]:
    """The top nodes a user works from (the province for provincial staff)."""
    paths = scope_paths(user)
    if paths is EVERYTHING:
        return Area.objects.filter(parent__isnull=True)
    return Area.objects.filter(path__in=paths or ())


def commune_list_for_user(user: AnyUser) -> QuerySet[Area]:
    return area_list_for_user(user).filter(level=Area.Level.COMMUNE)


def agency_of(user: AnyUser) -> Agency | None:
    if not user.is_authenticated:
        return None
    profile = getattr(user, "profile", None)
    return profile.agency if profile is not None else None


def hamlet_list_for_user(user: AnyUser) -> QuerySet[Area]:
    return area_list_for_user(user).filter(level=Area.Level.HAMLET).select_related("parent")


# --- identifiers (citizen ID, phone): the one masking path -------------------------------------


def identifier_masker(user: AnyUser | None) -> Callable[[object, object], str]:
    """`shown(where, value)`: the value in full under the areas the user enters data for
    (roles.can_enter_for: an officer's own areas), masked (rules.mask_identifier) everywhere
    else, provincial staff included; "" for no value. `where` is a household, member, review,
    area or area path. Decided once per user, so an export of 100,000 rows asks once."""
    paths = roles.entry_paths(user)

    def shown(where: object, value: object) -> str:
        value = "" if value is None else str(value)
        if not value:
            return ""
        path = roles.area_path_of(where)
        return value if path and path.startswith(paths) else mask_identifier(value)

    return shown


def identifier_for(user: AnyUser | None, where: object, value: object) -> str:
    """One identifier as `user` may see it (pages, templates' `{% masked %}`, the admin)."""
    return identifier_masker(user)(where, value)


# --- The area tree over time --------------------------------------------------------------
# Reads of the area tree over time. `area_tree_on` is THE tree on a date: pages, reports,
# exports, imports and jobs ask it which units exist on a day instead of filtering by hand.


def user_display_name(user: object) -> str:
    """The name shown for a user in pages, exports and e-mails: family name first
    (`rules.person_name`); "" for no user."""
    if user is None:
        return ""
    return area_rules.person_name(
        family=getattr(user, "last_name", "") or "",
        given=getattr(user, "first_name", "") or "",
        username=getattr(user, "username", "") or "",
    )


def today() -> date:
    return timezone.localdate()


def valid_on_q(on: date, prefix: str = "") -> Q:
    """Rows whose unit (`prefix` = "" for Area itself, "commune__" for a household...) is valid
    on `on`."""
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": on})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": on})
    )


def area_tree_on(on: date | None = None) -> QuerySet[Area]:
    """Every unit valid on `on` (today by default): the tree in force that day."""
    return Area.objects.filter(valid_on_q(on or today()))


def area_tree_for_year(year: int) -> QuerySet[Area]:
    """The tree of a review year (on its reference date, 1 September)."""
    return area_tree_on(area_rules.tree_date_for_year(year))


def province_on(on: date | None = None) -> Area | None:
    return area_tree_on(on).filter(level=Area.Level.PROVINCE).order_by("path").first()


def tree_has_districts(on: date | None = None) -> bool:
    return area_tree_on(on).filter(level=Area.Level.DISTRICT).exists()


def approving_level_default(on: date | None = None) -> str:
    """The district approves in a tree with districts; in the two-tier tree the commune
    People's Committee recognises the list (Decree 131/2025/NĐ-CP) [verify]."""
    from households.models import ReviewRound

    if tree_has_districts(on):
        return ReviewRound.ApprovingLevel.DISTRICT
    return ReviewRound.ApprovingLevel.COMMUNE


def approving_level_for_path(path: str) -> str:
    """The default for a commune of a given path: under a district ("83/836/29173/") the
    district approves; directly under the province ("86/29110-2025/") the commune recognises.
    No query: the path is the parent chain."""
    from households.models import ReviewRound

    if len([p for p in path.split("/") if p]) >= 3:
        return ReviewRound.ApprovingLevel.DISTRICT
    return ReviewRound.ApprovingLevel.COMMUNE


def round_approving_level(round_: ReviewRound, *, path: str = "") -> str:
    """The round's own setting (data), else the default of the tree its unit is in."""
    if round_.approving_level:
        return round_.approving_level
    if path:
        return approving_level_for_path(path)
    return approving_level_default(round_.reference_date)


def area_kind_on(area: Area, on: date) -> str:
    changes = [(c.effective_date, c.from_kind, c.to_kind) for c in area.kind_changes.all()]
    if not changes and area.former_kind and area.kind_changed_on:
        changes = [(area.kind_changed_on, area.former_kind, area.kind)]
    return area_rules.kind_on(area.kind, changes, on)


def is_urban_on_date(area: Area, on: date) -> bool:
    """Urban or rural in force on `on` (the dated type changes of the unit)."""
    return area_rules.is_urban_kind(area_kind_on(area, on))


def kind_changes_by_area(area_ids: Iterable[int]) -> dict[int, list[tuple[date, str, str]]]:
    """{area id: [(date, from, to)]} in one query (for generators and imports)."""
    out: dict[int, list[tuple[date, str, str]]] = {}
    rows = AreaKindChange.objects.filter(area_id__in=list(area_ids)).values_list(
        "area_id", "effective_date", "from_kind", "to_kind"
    )
    for area_id, effective, from_kind, to_kind in rows:
        out.setdefault(area_id, []).append((effective, from_kind, to_kind))
    return out


def step_edges() -> dict[int, list[tuple[int, str, date]]]:
    """old unit id -> [(new unit id, share, effective date)] of every recorded step."""
    edges: dict[int, list[tuple[int, str, date]]] = {}
    rows = ReorganisationStep.objects.values_list(
        "old_area_id", "new_area_id", "share", "reorganisation__effective_date"
    )
    for old, new, share, effective in rows:
        edges.setdefault(old, []).append((new, share, effective))
    return edges


def area_successors(area: Area) -> QuerySet[Area]:
    """The units `area` went into (more than one when it was split)."""
    return Area.objects.filter(steps_in__old_area=area).distinct().order_by("code")


def area_predecessor_ids(area: Area) -> set[int]:
    """Every unit that went, directly or through others, into `area`."""
    edges = {old: [new for new, _s, _d in targets] for old, targets in step_edges().items()}
    return area_rules.predecessors_closure(edges, area.pk)


def area_predecessors(area: Area) -> QuerySet[Area]:
    return Area.objects.filter(pk__in=area_predecessor_ids(area)).order_by("path")


def final_successor_map(on: date | None = None) -> dict[int, int]:
    """{closed unit id: the unit its households belong to on `on`} (whole steps only)."""
    return area_rules.final_successors(step_edges(), on=on or today())


def households_under_closed_units(on: date | None = None) -> list[dict[str, Any]]:
    """(unit, household count) of every unit closed by `on` that still has households."""
    from django.db.models import Count

    from households.models import Household

    on = on or today()
    rows = (
        Household.objects.filter(commune__valid_to__lt=on)
        .values("commune_id", "commune__code", "commune__name", "commune__valid_to")
        .annotate(n=Count("id"))
        .order_by("commune__code")
    )
    return [dict(row) for row in rows]


def area_chains(paths: Iterable[str]) -> dict[str, str]:
    """{area path: "Tỉnh Bến Tre / Huyện Ba Tri / Xã An Đức"}: the parent chain a path records
    (a review's path is the chain in force when it was made), in one query."""
    from households.rules import ancestor_paths

    paths = {p for p in paths if p}
    wanted = {a for p in paths for a in ancestor_paths(p)}
    names = dict(Area.objects.filter(path__in=wanted).values_list("path", "name"))
    return {p: " / ".join(names.get(a, "?") for a in ancestor_paths(p)) for p in paths}


def lead_agency_on(on: date | None = None) -> Agency | None:
    """The department leading poverty reduction on `on` (2025: Sở Nông nghiệp và Môi trường)."""
    from households.models import Agency

    return Agency.objects.filter(valid_on_q(on or today()), is_lead=True).order_by("code").first()


HEADER_CACHE_SECONDS = 600


def organisation_header(on: date | None = None) -> dict[str, str]:
    """{"province": "Tỉnh Vĩnh Long", "lead": "Sở Nông nghiệp và Môi trường"} in force on `on`,
    for the page header, printed tables and e-mails: names come from data, never from code.
    Cached (cleared when an area or agency is saved)."""
    from django.conf import settings

    from households.outbox import quiet_cache  # Redis down: the header is read, not cached

    on = on or today()
    key = f"org-header:{settings.DATABASES['default']['NAME']}:{on.isoformat()}"
    found = quiet_cache("get", key)
    if found is None:
        province, lead = province_on(on), lead_agency_on(on)
        found = {
            "province": province.name if province else "",
            "lead": lead.name if lead else "",
            "lead_short": (lead.short_name or lead.name) if lead else "",
        }
        quiet_cache("set", key, found, HEADER_CACHE_SECONDS)
    return found


def organisation_header_clear(**_kwargs: Any) -> None:
    from django.conf import settings

    from households.outbox import quiet_cache

    quiet_cache(
        "delete", f"org-header:{settings.DATABASES['default']['NAME']}:{today().isoformat()}"
    )


def officers_without_current_scope(on: date | None = None) -> QuerySet[StaffProfile]:
    """Area officers none of whose units is valid on `on`: they keep read access to the history
    of their closed units and get nothing of the new tree until given a new scope."""
    from django.db.models import Exists, OuterRef

    from households.models import StaffProfile

    from . import roles

    on = on or today()
    current = StaffProfile.areas.through.objects.filter(staffprofile_id=OuterRef("pk")).filter(
        valid_on_q(on, "area__")
    )
    profiles = (
        StaffProfile.objects.filter(user__groups__name=roles.AREA_OFFICER, user__is_active=True)
        .annotate(has_current=Exists(current))
        .filter(has_current=False)
        .select_related("user")
        .prefetch_related("areas")
        .order_by("user__last_name", "user__first_name", "user__username")
    )
    return profiles
