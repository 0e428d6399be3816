"""Writes: the snapshot rebuild and the marks that schedule it."""

from __future__ import annotations

import inspect
import logging
import time
from collections.abc import Iterable
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from households.jobs import stale_job_ids, unexpected_message
from households.models import Area, HouseholdReview
from households.outbox import outbox_task

from . import rules
from .indicators import families, registry
from .indicators.base import Counts
from .models import IndicatorValue, RebuildJob, Snapshot, YearState

logger = logging.getLogger(__name__)

# pg_advisory_xact_lock(namespace, year): two rebuilds of one year never run at once.
LOCK_NAMESPACE = 7207


def _lock_year(year: int) -> None:
    """Serialise rebuilds of a year until the current transaction ends.

    PostgreSQL: a transaction-level advisory lock (released by commit or rollback, even when
    the worker dies). SQLite: the database opens write transactions IMMEDIATE (settings), so a
    second writer waits for the first: rebuilds are serialised by the database itself.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, year])


# The rebuild's transaction runs a few heavy grouped reads: PostgreSQL's JIT costs more to
# compile them than it saves (measured: bench_reports), and the default 4 MB of work_mem makes
# the hash aggregates spill to disk. SET LOCAL: only for the rebuild's transaction.
REBUILD_SETTINGS = (("jit", "off"), ("work_mem", "64MB"))


def _tune_connection() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for name, value in REBUILD_SETTINGS:
                cursor.execute("SELECT set_config(%s, %s, true)", [name, value])


def _areas(year: int, counts: Counts) -> dict[int, str]:
    """The units a year's snapshot holds: the tree of that year (households.organisation.selectors),
    plus any unit a review of the year was filed in, with their ancestors. A unit that did not
    exist that year gets no row (no zeros for Xã Ba Tri in 2023)."""
    from households.organisation.selectors import area_tree_for_year
    from households.rules import ancestor_paths

    every = dict(Area.objects.exclude(level=Area.Level.HAMLET).values_list("id", "path").order_by())
    keep = set(
        area_tree_for_year(year).exclude(level=Area.Level.HAMLET).values_list("id", flat=True)
    )
    keep |= {area_id for (_code, area_id), value in counts.items() if value and area_id in every}
    wanted = {p for area_id in keep for p in ancestor_paths(every[area_id])}
    return {area_id: path for area_id, path in every.items() if path in wanted}


ValueRow = tuple[str, int, float | None, int | None, int | None]


def family_counts(year: int, areas: frozenset[int] | None = None) -> Counts:
    """Every family's counts of `year`; with `areas`, only the keys at those areas (exact).

    A family whose `compute` accepts `areas` may restrict its work to them (the contract in
    reports.indicators); any other is computed whole and filtered: correct, just not cheaper.
    """
    counts: Counts = {}
    for family in families():
        if areas is None:
            counts.update(family.compute(year))
            continue
        if "areas" in inspect.signature(family.compute).parameters:
            found = family.compute(year, areas=areas)
        else:
            found = family.compute(year)
        counts.update({key: value for key, value in found.items() if key[1] in areas})
    return counts


def snapshot_values_compute(*, year: int) -> list[ValueRow]:
    """All indicator values of a year for every area: (code, area id, value, num, den)."""
    counts = family_counts(year)
    totals = rules.roll_up(counts, _areas(year, counts))
    indicators = list(registry().values())
    return [
        (code, area_id, value, num, den)
        for area_id, area_counts in totals.items()
        for code, (value, num, den) in rules.evaluate(indicators, area_counts).items()
    ]


def _values_insert(snapshot: Snapshot, rows: list[ValueRow]) -> None:
    """Insert the values: COPY on PostgreSQL (a fraction of bulk_create's time for ~15,000
    rows), bulk_create elsewhere."""
    if connection.vendor != "postgresql":
        IndicatorValue.objects.bulk_create(
            [
                IndicatorValue(snapshot=snapshot, year=snapshot.year, indicator=code,
                               area_id=area, value=value, numerator=num, denominator=den)
                for code, area, value, num, den in rows
            ],
            batch_size=2000,
        )  # fmt: skip
        return
    table = IndicatorValue._meta.db_table
    columns = "snapshot_id, year, indicator, area_id, value, numerator, denominator"
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row((snapshot.pk, snapshot.year, *row))


def snapshot_rebuild(
    *, year: int, trigger: str = RebuildJob.Trigger.MANUAL, job: RebuildJob | None = None
) -> RebuildJob:
    """Recompute every indicator of `year` into a new snapshot and swap it in atomically.

    The new values are written and made active in one transaction: readers see the previous
    snapshot until it commits, and a failure rolls everything back, leaving the previous
    snapshot in place. The job row (outside that transaction) records the outcome.
    """
    if job is None:
        job = RebuildJob.objects.create(year=year, trigger=trigger)
    YearState.objects.get_or_create(year=year)
    started = timezone.now()
    clock = time.perf_counter()
    RebuildJob.objects.filter(pk=job.pk).update(
        status=RebuildJob.Status.RUNNING, started_at=started
    )
    try:
        with transaction.atomic():
            _lock_year(year)
            _tune_connection()
            rows = snapshot_values_compute(year=year)
            snapshot = Snapshot.objects.create(year=year, built_at=timezone.now(), job=job)
            _values_insert(snapshot, rows)
            old = list(
                Snapshot.objects.filter(year=year)
                .exclude(pk=snapshot.pk)
                .values_list("pk", flat=True)
            )
            Snapshot.objects.filter(pk__in=old).update(status=Snapshot.Status.SUPERSEDED)
            snapshot.status = Snapshot.Status.ACTIVE
            snapshot.rows = len(rows)
            snapshot.save(update_fields=["status", "rows"])
    except Exception:
        logger.exception("snapshot rebuild of %s failed", year)
        # The exception's text (SQL, values) goes to the log; the job page shows a plain message.
        job.status, job.error = RebuildJob.Status.FAILED, unexpected_message()
    else:
        # Outside the swap: old rows go in one DELETE each (no cascade collection).
        IndicatorValue.objects.filter(snapshot_id__in=old).delete()
        Snapshot.objects.filter(pk__in=old).delete()
        YearState.objects.filter(year=year, dirty_since__lte=started).update(dirty_since=None)
        job.status, job.rows, job.error = RebuildJob.Status.DONE, len(rows), ""
    job.started_at = started
    job.finished_at = timezone.now()
    job.duration_ms = round((time.perf_counter() - clock) * 1000)
    job.save(update_fields=["status", "error", "rows", "started_at", "finished_at", "duration_ms"])
    return job


# --- partial refresh: what an approval, a return or an import touched ------------------------


def refresh_areas_for(*, year: int, area_paths: Iterable[str]) -> set[int] | None:
    """The units of `year`'s snapshot whose counts a change of the reviews filed in
    `area_paths` (communes, or places inside them) can move; None when no path is given.

    The communes themselves, and, for the households filed there, the units of their other
    review of the pair of years (a household that moved: its movement and last year's figures
    count where it was), each carried to its successor in the year's tree as the rebuild does.
    """
    from django.db.models import BigIntegerField, F
    from django.db.models.functions import Coalesce

    from households.organisation.rules import tree_date_for_year
    from households.organisation.selectors import area_tree_for_year, final_successor_map
    from households.rules import ancestor_paths

    paths = [path for path in area_paths if path]
    if not paths:
        return None
    wanted = {p for path in paths for p in ancestor_paths(path)}
    by_path = dict(
        Area.objects.filter(path__in=wanted)
        .exclude(level=Area.Level.HAMLET)
        .values_list("path", "id")
        .order_by()
    )
    communes: set[int] = set()
    for path in paths:
        found = [by_path[p] for p in ancestor_paths(path) if p in by_path]
        if found:
            communes.add(found[-1])
    pair = (year - 1, year)
    filed = Coalesce(F("area_id"), F("household__commune_id"), output_field=BigIntegerField())
    households = (
        HouseholdReview.objects.filter(year__in=pair)
        .annotate(unit=filed)
        .filter(unit__in=communes)
        .values("household_id")
    )
    units = communes | set(
        HouseholdReview.objects.filter(year__in=pair, household_id__in=households)
        .annotate(unit=filed)
        .values_list("unit", flat=True)
        .distinct()
        .order_by()
    )
    in_tree = set(area_tree_for_year(year).values_list("id", flat=True))
    successor = final_successor_map(tree_date_for_year(year))
    return {unit if unit in in_tree else successor.get(unit, unit) for unit in units if unit}


def _snapshot_patch(snapshot: Snapshot, areas: set[int]) -> int | None:
    """Recompute the counts at `areas` (leaves of the snapshot) and carry the change into every
    ancestor; re-form every indicator of the areas touched. Returns the rows written, or None
    when a full rebuild is needed (an area not in the snapshot, or one with units below it)."""
    from collections import defaultdict

    from households.organisation.selectors import area_tree_for_year
    from households.rules import ancestor_paths

    from .indicators import Kind

    present = dict(
        IndicatorValue.objects.filter(snapshot=snapshot, indicator="population_households")
        .values_list("area_id", "area__path")
        .order_by()
    )
    if not areas:
        return None
    fresh: dict[int, dict[str, int]] = {a: defaultdict(int) for a in areas}
    for (code, area_id), value in family_counts(snapshot.year, frozenset(areas)).items():
        fresh[area_id][code] += int(value or 0)
    # A unit outside the year's tree has rows only while something counts there (the rebuild's
    # _areas): one that would appear or disappear needs the full rebuild; one with nothing
    # before or after is no part of the snapshot.
    in_tree = set(area_tree_for_year(snapshot.year).values_list("id", flat=True))
    for a in list(areas):
        if a in in_tree:
            if a not in present:
                return None
            continue
        counted = any(fresh[a].values())
        if a not in present and not counted:
            areas = areas - {a}
        elif a not in present or not counted:
            return None
    if not areas:
        return 0
    prefixes = {present[a] for a in areas}
    if any(
        path != prefix and path.startswith(prefix)
        for path in present.values()
        for prefix in prefixes
    ):
        return None
    id_by_path = {path: area_id for area_id, path in present.items()}
    chains = {
        a: [id_by_path[p] for p in ancestor_paths(present[a]) if p in id_by_path] for a in areas
    }
    touched = {area_id for chain in chains.values() for area_id in chain}
    indicators = registry()
    stored = list(
        IndicatorValue.objects.filter(snapshot=snapshot, area_id__in=touched)
        .values_list("area_id", "indicator", "numerator", "denominator")
        .order_by()
    )
    base: dict[int, dict[str, int]] = {area_id: {} for area_id in touched}
    for area_id, code, num, _den in stored:
        ind = indicators.get(code)
        if ind is not None and ind.kind == Kind.COUNT:
            base[area_id][code] = int(num or 0)
    for area_id, code, num, den in stored:  # counts known only as a ratio's two terms
        ind = indicators.get(code)
        if ind is not None and ind.kind == Kind.RATIO:
            base[area_id].setdefault(ind.numerator, int(num or 0))
            base[area_id].setdefault(ind.denominator, int(den or 0))
    for a in areas:
        old = dict(base[a])
        for code in old.keys() | fresh[a].keys():
            delta = fresh[a].get(code, 0) - old.get(code, 0)
            if delta:
                for target in chains[a]:
                    base[target][code] = base[target].get(code, 0) + delta
    listed = list(indicators.values())
    rows = [
        (code, area_id, value, num, den)
        for area_id in sorted(touched)
        for code, (value, num, den) in rules.evaluate(listed, base[area_id]).items()
    ]
    IndicatorValue.objects.filter(snapshot=snapshot, area_id__in=touched).delete()
    _values_insert(snapshot, rows)
    Snapshot.objects.filter(pk=snapshot.pk).update(built_at=timezone.now())
    return len(rows)


def snapshot_refresh(
    *,
    year: int,
    area_paths: Iterable[str] = (),
    trigger: str = RebuildJob.Trigger.SIGNAL,
    job: RebuildJob | None = None,
) -> RebuildJob:
    """Refresh only what a change of the reviews filed in `area_paths` touched: the communes
    (and the units a moved household counts in) and their ancestors, in the active snapshot of
    `year`, in one transaction. The figures are exactly those a full rebuild would produce
    (tests/reports/test_refresh.py). Without paths, without an active snapshot, or when an area
    is not a leaf of it, this is the full `snapshot_rebuild`."""
    areas = refresh_areas_for(year=year, area_paths=area_paths)
    snapshot = Snapshot.objects.filter(year=year, status=Snapshot.Status.ACTIVE).first()
    if areas is None or snapshot is None:
        return snapshot_rebuild(year=year, trigger=trigger, job=job)
    if job is None:
        job = RebuildJob.objects.create(year=year, trigger=trigger)
    started = timezone.now()
    clock = time.perf_counter()
    RebuildJob.objects.filter(pk=job.pk).update(
        status=RebuildJob.Status.RUNNING, started_at=started
    )
    written: int | None = None
    try:
        with transaction.atomic():
            _lock_year(year)
            snapshot = Snapshot.objects.filter(year=year, status=Snapshot.Status.ACTIVE).first()
            if snapshot is not None:
                written = _snapshot_patch(snapshot, areas)
    except Exception as exc:
        logger.exception("snapshot refresh of %s failed", year)
        job.status, job.error = RebuildJob.Status.FAILED, f"{type(exc).__name__}: {exc}"
    else:
        if written is None:
            return snapshot_rebuild(year=year, trigger=trigger, job=job)
        YearState.objects.filter(year=year, dirty_since__lte=started).update(dirty_since=None)
        job.status, job.rows, job.error = RebuildJob.Status.DONE, written, ""
    job.started_at = started
    job.finished_at = timezone.now()
    job.duration_ms = round((time.perf_counter() - clock) * 1000)
    job.save(update_fields=["status", "error", "rows", "started_at", "finished_at", "duration_ms"])
    return job


def years_with_data() -> list[int]:
    return sorted(HouseholdReview.objects.order_by().values_list("year", flat=True).distinct())


def years_mark_dirty(*, years: Iterable[int]) -> list[int]:
    """Mark years as changed; a later year with a snapshot depends on them (its change)."""
    years = set(years)
    following = set(
        Snapshot.objects.filter(
            year__in=[y + 1 for y in years], status=Snapshot.Status.ACTIVE
        ).values_list("year", flat=True)
    )
    marked = sorted(years | following)
    now = timezone.now()
    for year in marked:
        YearState.objects.update_or_create(year=year, defaults={"dirty_since": now})
    return marked


def dirty_years() -> list[int]:
    return list(
        YearState.objects.filter(dirty_since__isnull=False)
        .order_by("year")
        .values_list("year", flat=True)
    )


@transaction.atomic
def snapshot_rebuild_request(*, years: list[int]) -> list[RebuildJob]:
    """The manual "rebuild now": one job row per year, each rebuilt by a task started once the
    rows are committed (the task reads its job)."""
    from .tasks import snapshot_rebuild_task

    manual = RebuildJob.Trigger.MANUAL
    jobs = [RebuildJob.objects.create(year=year, trigger=manual) for year in years]
    for job in jobs:
        outbox_task(snapshot_rebuild_task.name, args=[job.year, manual, job.pk])
    return jobs


def rebuild_job_fail(job_id: int, message: str) -> bool:
    """Mark an unfinished rebuild failed (its transaction died with it: the previous snapshot
    is still the active one)."""
    return bool(
        RebuildJob.objects.filter(
            pk=job_id, status__in=[RebuildJob.Status.QUEUED, RebuildJob.Status.RUNNING]
        ).update(status=RebuildJob.Status.FAILED, error=message, finished_at=timezone.now())
    )


def rebuild_jobs_sweep(cutoff: datetime, message: str) -> int:
    Status = RebuildJob.Status
    ids = stale_job_ids(
        RebuildJob, running=[Status.RUNNING], waiting=[Status.QUEUED], cutoff=cutoff
    )
    return sum(rebuild_job_fail(job_id, message) for job_id in ids)
