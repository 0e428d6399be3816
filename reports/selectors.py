"""Reads. Pages read only the snapshot tables (never the live reviews)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, NamedTuple

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404

from households import rules as hh_rules
from households.models import Area
from households.organisation import roles
from households.organisation.selectors import area_get_for_user, root_areas_for_user
from households.types import AnyUser

from .models import IndicatorValue, RebuildJob, Snapshot, YearState


def snapshot_list_active() -> list[Snapshot]:
    return list(Snapshot.objects.filter(status=Snapshot.Status.ACTIVE).order_by("year"))


def snapshot_years_with_data() -> set[int]:
    """The years whose active snapshot counts approved reviews (one query on the snapshots)."""
    return set(
        IndicatorValue.objects.filter(
            snapshot__status=Snapshot.Status.ACTIVE, indicator="reviewed_households", value__gt=0
        )
        .order_by()
        .values_list("year", flat=True)
        .distinct()
    )


def snapshot_pick(
    snapshots: list[Snapshot], year: int | None, *, with_data: set[int] | None = None
) -> Snapshot | None:
    """The snapshot of `year`; when `year` is not given or not built, the default year's
    (households.rules.default_year_pick over the snapshots: the latest with approved data,
    never an empty year), else the latest."""
    from households.rules import default_year_pick

    by_year = {s.year: s for s in snapshots}
    if year in by_year:
        return by_year[year]
    if with_data is None:
        with_data = snapshot_years_with_data()
    default = default_year_pick(approved=[y for y in by_year if y in with_data], opened=[])
    if default in by_year:
        return by_year[default]
    return snapshots[-1] if snapshots else None


def snapshot_default_year(snapshots: list[Snapshot]) -> int | None:
    picked = snapshot_pick(snapshots, None)
    return picked.year if picked else None


def trend_years(snapshots: list[Snapshot], *, with_data: set[int] | None = None) -> list[int]:
    """The years a trend runs over: those with a snapshot of approved data (never on to a year
    with no data)."""
    if with_data is None:
        with_data = snapshot_years_with_data()
    return [s.year for s in snapshots if s.year in with_data]


class Value(NamedTuple):
    value: float | None
    numerator: int | None
    denominator: int | None


def value_map(
    snapshot: Snapshot,
    areas: Iterable[Area],
    codes: Iterable[str],
    *,
    more_areas: Iterable[Area] = (),
    more_codes: Iterable[str] = (),
) -> dict[tuple[int, str], Value]:
    """{(area id, code): Value} of one snapshot, in one query: `codes` for `areas`, and
    optionally the (fewer) `more_codes` for `more_areas` (e.g. the children on a dashboard)."""
    q = Q(area_id__in=[a.pk for a in areas], indicator__in=list(codes))
    more_ids = [a.pk for a in more_areas]
    if more_ids:
        q |= Q(area_id__in=more_ids, indicator__in=list(more_codes))
    rows = IndicatorValue.objects.filter(q, snapshot=snapshot).values_list(
        "area_id", "indicator", "value", "numerator", "denominator"
    )
    return {(area_id, code): Value(v, n, d) for area_id, code, v, n, d in rows}


def trend_map(area: Area, codes: Iterable[str]) -> dict[tuple[int, str], float | None]:
    """{(year, code): value} of one area over every active snapshot (one query)."""
    rows = IndicatorValue.objects.filter(
        snapshot__status=Snapshot.Status.ACTIVE, area=area, indicator__in=list(codes)
    ).values_list("year", "indicator", "value")
    return {(year, code): value for year, code, value in rows}


FORMER_UNITS = "former"
NO_DATA_BEFORE = "no_data_before"


class TrendPoint(NamedTuple):
    year: int
    values: dict[str, float | None]
    # "" = the unit's own figures; FORMER_UNITS = the sum of the units it was formed from;
    # NO_DATA_BEFORE = the unit did not exist and none of its former units is on record.
    source: str


def former_units(area: Area) -> list[Area]:
    """The units whose figures a new unit's trend sums for the years before it existed: its
    predecessors, less any that lies inside another (Huyện Ba Tri went into Vĩnh Long along with
    Tỉnh Bến Tre; counting both would count Ba Tri twice). One or two queries."""
    from households.organisation.selectors import area_predecessors

    if not area.valid_from:  # only a unit created by a reorganisation has former units
        return []
    units = list(area_predecessors(area).exclude(level=Area.Level.HAMLET))
    paths = [u.path for u in units]
    return [u for u in units if not any(u.path != p and u.path.startswith(p) for p in paths)]


def trend_points(area: Area, codes: Iterable[str], years: Iterable[int]) -> list[TrendPoint]:
    """A unit's trend over `years`: its own figures, and for the years before it existed the
    sum of its former units' figures (counts added, rates recomputed from the summed numerator
    and denominator), so Xã Ba Tri's 2022-2026 trend is continuous. Three or four queries."""
    from households.rules import rate

    codes = list(codes)
    predecessors = [u.pk for u in former_units(area)]
    rows = IndicatorValue.objects.filter(
        snapshot__status=Snapshot.Status.ACTIVE,
        area_id__in=[area.pk, *predecessors],
        indicator__in=codes,
    ).values_list("year", "area_id", "indicator", "value", "numerator", "denominator")
    own: dict[tuple[int, str], float | None] = {}
    summed: dict[tuple[int, str], list[int]] = {}
    for year, area_id, code, value, num, den in rows:
        if area_id == area.pk:
            own[(year, code)] = value
            continue
        acc = summed.setdefault((year, code), [0, 0, 0])
        acc[0] += int(value or 0)
        acc[1] += int(num or 0)
        acc[2] += int(den or 0)
    points = []
    for year in years:
        if any((year, c) in own for c in codes):
            points.append(TrendPoint(year, {c: own.get((year, c)) for c in codes}, ""))
        elif any((year, c) in summed for c in codes):
            values: dict[str, float | None] = {}
            for c in codes:
                summed_acc = summed.get((year, c))
                if summed_acc is None:
                    values[c] = None
                elif summed_acc[2]:  # a ratio: recomputed over the summed denominators
                    values[c] = rate(summed_acc[1], summed_acc[2])
                else:
                    values[c] = float(summed_acc[0])
            points.append(TrendPoint(year, values, FORMER_UNITS))
        elif area.valid_from and year < area.valid_from.year:
            points.append(TrendPoint(year, dict.fromkeys(codes), NO_DATA_BEFORE))
        else:
            points.append(TrendPoint(year, dict.fromkeys(codes), ""))
    return points


def child_areas(area: Area, snapshot: Snapshot | None = None) -> list[Area]:
    """The units directly below `area` that the snapshot's year had (all when no snapshot)."""
    children = area.children.exclude(level=Area.Level.HAMLET)
    if snapshot is not None:
        children = children.filter(pk__in=_snapshot_area_ids(snapshot))
    return list(children.order_by("name"))


def _snapshot_area_ids(snapshot: Snapshot) -> QuerySet[IndicatorValue, Any]:
    """The units a snapshot holds (its year's tree), as a subquery."""
    return IndicatorValue.objects.filter(
        snapshot=snapshot, indicator="population_households"
    ).values("area_id")


def area_tree_below(area: Area, snapshot: Snapshot | None = None) -> list[Area]:
    """The area and every descendant down to communes, in tree order (path); with a snapshot,
    only the units of its year's tree (2023: districts and communes; 2026: communes only)."""
    areas = Area.objects.filter(path__startswith=area.path).exclude(level=Area.Level.HAMLET)
    if snapshot is not None:
        areas = areas.filter(Q(pk=area.pk) | Q(pk__in=_snapshot_area_ids(snapshot)))
    return list(areas.order_by("path"))


def year_state_get(year: int) -> YearState | None:
    return YearState.objects.filter(year=year).first()


def job_last_for_year(year: int) -> RebuildJob | None:
    return RebuildJob.objects.filter(year=year).exclude(status=RebuildJob.Status.QUEUED).first()


def job_list() -> QuerySet[RebuildJob]:
    return RebuildJob.objects.all()


def rebuild_last_done() -> RebuildJob | None:
    """The rebuild that finished last (for the readiness page: when, which year, how long)."""
    return (
        RebuildJob.objects.filter(status=RebuildJob.Status.DONE, finished_at__isnull=False)
        .order_by("-finished_at", "-id")
        .first()
    )


def rebuild_failed_since(since: datetime) -> int:
    return RebuildJob.objects.filter(status=RebuildJob.Status.FAILED, created_at__gte=since).count()


# --- which area a dashboard shows (scoping) ---------------------------------------------------


def dashboard_only_targets(user: AnyUser) -> bool:
    return not roles.works_with_areas(user)


def dashboard_area_get(user: AnyUser, *, code: str | None, year: int | None = None) -> Area:
    """The area a dashboard shows: the user's root area in the tree of the year shown (the
    latest snapshot's by default); 404 outside the scope.

    Agency staff see the province (their targets only); officers their own areas.
    """
    from households.organisation.rules import tree_date_for_year
    from households.organisation.selectors import province_on, valid_on_q

    if year is None and not code:
        year = snapshot_default_year(snapshot_list_active())
    on = tree_date_for_year(year) if year else None
    if dashboard_only_targets(user):
        if not roles.is_agency_staff(user):
            raise Http404
        province = province_on(on) or Area.objects.filter(code=settings.PROVINCE_CODE).first()
        if province is None or (code and code != province.code):
            raise Http404
        return province
    if code:
        return area_get_for_user(user, code=code)
    roots = root_areas_for_user(user)
    area = (roots.filter(valid_on_q(on)).first() if on else None) or roots.first()
    if area is None:
        raise Http404
    return area


# --- the movement identity ------------------------------------------------------------------


class MovementFailure(NamedTuple):
    year: int
    area: Area
    source: str  # "data": computed now from the reviews; "snapshot": what the pages show
    identity: str  # rules.movement_identity_failures: poor, near_poor, poor_start, ...
    figures: dict[str, int]


IDENTITY_CODES = tuple(
    code
    for terms in hh_rules.MOVEMENT_IDENTITY.values()
    for code in (terms["start"], *terms["out"], *terms["in"], terms["end"])
)


def _snapshot_counts(year: int, areas: dict[int, Area]) -> dict[int, dict[str, int]] | None:
    snapshot = Snapshot.objects.filter(year=year, status=Snapshot.Status.ACTIVE).first()
    if snapshot is None:
        return None
    result: dict[int, dict[str, int]] = {area_id: {} for area_id in areas}
    rows = IndicatorValue.objects.filter(
        snapshot=snapshot, indicator__in=IDENTITY_CODES
    ).values_list("area_id", "indicator", "numerator")
    for area_id, code, n in rows:
        if area_id in result:
            result[area_id][code] = n or 0
    return result


def movement_check(*, year: int) -> list[MovementFailure]:
    """Every area where the movement identity fails in `year`: start - out + in = end, and
    start = the previous year's official end. Checked on the figures computed now from the
    approved reviews, and on the active snapshots of the two years when they exist (a stale or
    hand-edited snapshot shows there)."""
    from .indicators import households
    from .rules import roll_up

    areas = {a.pk: a for a in Area.objects.exclude(level=Area.Level.HAMLET).order_by("path")}
    paths = {pk: a.path for pk, a in areas.items()}
    sources = {
        "data": (
            roll_up(households.compute(year), paths),
            roll_up(households.compute(year - 1), paths),
        ),
        "snapshot": (_snapshot_counts(year, areas), _snapshot_counts(year - 1, areas)),
    }
    failures = []
    for source, (current, previous) in sources.items():
        if current is None:
            continue
        for area_id, area in areas.items():
            counts = current.get(area_id, {})
            before = previous.get(area_id, {}) if previous is not None else None
            for identity in hh_rules.movement_identity_failures(counts, before):
                figures = {code: int(counts.get(code, 0)) for code in IDENTITY_CODES}
                if before is not None:
                    figures.update(
                        {f"prev_{c}": int(before.get(c, 0)) for c in hh_rules.MOVEMENT_ENDS}
                    )
                failures.append(MovementFailure(year, area, source, identity, figures))
    return failures
