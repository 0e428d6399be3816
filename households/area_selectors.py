"""Reads of the area tree over time. `area_tree_on` is THE tree on a date: pages, reports,
exports, imports and jobs ask it which units exist on a day instead of filtering by hand."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from . import area_rules
from .models import Area, AreaKindChange, ReorganisationStep


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
    from .models import ReviewRound

    if tree_has_districts(on):
        return ReviewRound.ApprovingLevel.DISTRICT
    return ReviewRound.ApprovingLevel.COMMUNE


def approving_level_for_path(path: str) -> str:
    """The default for a commune of a given path: under a district ("83/836/29173/") the
    district approves; directly under the province ("86/29110-2025/") the commune recognises.
    No query: the path is the parent chain."""
    from .models import ReviewRound

    if len([p for p in path.split("/") if p]) >= 3:
        return ReviewRound.ApprovingLevel.DISTRICT
    return ReviewRound.ApprovingLevel.COMMUNE


def round_approving_level(round_, *, path: str = "") -> str:
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


def kind_changes_by_area(area_ids) -> dict[int, list[tuple[date, str, str]]]:
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


def households_under_closed_units(on: date | None = None):
    """(unit, household count) of every unit closed by `on` that still has households."""
    from django.db.models import Count

    from .models import Household

    on = on or today()
    return list(
        Household.objects.filter(commune__valid_to__lt=on)
        .values("commune_id", "commune__code", "commune__name", "commune__valid_to")
        .annotate(n=Count("id"))
        .order_by("commune__code")
    )


def area_chains(paths) -> dict[str, str]:
    """{area path: "Tỉnh Bến Tre / Huyện Ba Tri / Xã An Đức"}: the parent chain a path records
    (a review's path is the chain in force when it was made), in one query."""
    from .rules import ancestor_paths

    paths = {p for p in paths if p}
    wanted = {a for p in paths for a in ancestor_paths(p)}
    names = dict(Area.objects.filter(path__in=wanted).values_list("path", "name"))
    return {p: " / ".join(names.get(a, "?") for a in ancestor_paths(p)) for p in paths}


def lead_agency_on(on: date | None = None):
    """The department leading poverty reduction on `on` (2025: Sở Nông nghiệp và Môi trường)."""
    from .models import Agency

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


def organisation_header_clear(**_kwargs) -> None:
    from django.conf import settings

    from households.outbox import quiet_cache

    quiet_cache(
        "delete", f"org-header:{settings.DATABASES['default']['NAME']}:{today().isoformat()}"
    )


def officers_without_current_scope(on: date | None = None):
    """Area officers none of whose units is valid on `on`: they keep read access to the history
    of their closed units and get nothing of the new tree until given a new scope."""
    from django.db.models import Exists, OuterRef

    from .models import StaffProfile
    from .organisation import roles

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
