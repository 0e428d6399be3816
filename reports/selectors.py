"""Reads. Pages read only the snapshot tables (never the live reviews)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from households.models import Area

from .models import IndicatorValue, RebuildJob, Snapshot, YearState


def snapshot_list_active() -> list[Snapshot]:
    return list(Snapshot.objects.filter(status=Snapshot.Status.ACTIVE).order_by("year"))


def snapshot_pick(snapshots: list[Snapshot], year: int | None) -> Snapshot | None:
    """The snapshot of `year`, or the latest one when `year` is not given or not built."""
    by_year = {s.year: s for s in snapshots}
    if year in by_year:
        return by_year[year]
    return snapshots[-1] if snapshots else None


def value_map(
    snapshot: Snapshot, areas: Iterable[Area], codes: Iterable[str]
) -> dict[tuple[int, str], IndicatorValue]:
    """{(area id, code): value} for some areas and indicators of one snapshot (one query)."""
    rows = IndicatorValue.objects.filter(
        snapshot=snapshot, area_id__in=[a.pk for a in areas], indicator__in=list(codes)
    ).only("area_id", "indicator", "value", "numerator", "denominator")
    return {(row.area_id, row.indicator): row for row in rows}


def trend_map(area: Area, codes: Iterable[str]) -> dict[tuple[int, str], float | None]:
    """{(year, code): value} of one area over every active snapshot (one query)."""
    rows = IndicatorValue.objects.filter(
        snapshot__status=Snapshot.Status.ACTIVE, area=area, indicator__in=list(codes)
    ).values_list("year", "indicator", "value")
    return {(year, code): value for year, code, value in rows}


def child_areas(area: Area) -> list[Area]:
    return list(area.children.exclude(level=Area.Level.HAMLET).order_by("name"))


def area_tree_below(area: Area, *, max_level: str = Area.Level.COMMUNE) -> list[Area]:
    """The area and every descendant down to communes, in tree order (path)."""
    return list(
        Area.objects.filter(path__startswith=area.path)
        .exclude(level=Area.Level.HAMLET)
        .order_by("path")
    )


def year_state_get(year: int) -> YearState | None:
    return YearState.objects.filter(year=year).first()


def job_last_for_year(year: int) -> RebuildJob | None:
    return RebuildJob.objects.filter(year=year).exclude(status=RebuildJob.Status.QUEUED).first()


def job_list() -> QuerySet[RebuildJob]:
    return RebuildJob.objects.all()
