"""Writes: the snapshot rebuild and the marks that schedule it."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from households.jobs import unexpected_message
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


def snapshot_values_compute(*, year: int) -> list[ValueRow]:
    """All indicator values of a year for every area: (code, area id, value, num, den)."""
    counts: dict = {}
    for family in families():
        counts.update(family.compute(year))
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
    ids = [
        *RebuildJob.objects.filter(status=Status.RUNNING, started_at__lt=cutoff).values_list(
            "pk", flat=True
        ),
        *RebuildJob.objects.filter(
            status=Status.QUEUED, created_at__lt=cutoff - timedelta(days=1)
        ).values_list("pk", flat=True),
    ]
    return sum(rebuild_job_fail(job_id, message) for job_id in ids)
