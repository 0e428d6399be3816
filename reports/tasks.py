"""Celery tasks: each calls a service and is safe to run twice (a rebuild builds a new snapshot
and swaps it in), hence `acks_late`. A rebuild past its soft time limit records its job as
failed (snapshot_rebuild records any exception) and leaves the active snapshot in place."""

from __future__ import annotations

import hashlib

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from households.outbox import outbox_task, quiet_cache

from . import services
from .models import RebuildJob

# Seconds a burst of approvals waits before its one rebuild (debounce).
REBUILD_DEBOUNCE_SECONDS = 30
# One year's snapshots at 400,000 households take minutes; every year of the history, longer.
ONE_YEAR = {"soft_time_limit": 30 * 60, "time_limit": 35 * 60}
EVERY_YEAR = {"soft_time_limit": 2 * 3600, "time_limit": 2 * 3600 + 5 * 60}


def debounce_key(year: int) -> str:
    return f"reports:rebuild-scheduled:{year}"


def refresh_debounce_key(year: int, area_paths: list[str]) -> str:
    digest = hashlib.sha256("|".join(area_paths).encode()).hexdigest()[:16]
    return f"reports:refresh-scheduled:{year}:{digest}"


@shared_task(name="reports.snapshot_rebuild_task", acks_late=True, **ONE_YEAR)
def snapshot_rebuild_task(year: int, trigger: str = RebuildJob.Trigger.MANUAL, job_id=None) -> int:
    # Let approvals that arrive from now on schedule the next rebuild.
    quiet_cache("delete", debounce_key(year))
    job = RebuildJob.objects.filter(pk=job_id).first() if job_id else None
    return services.snapshot_rebuild(year=year, trigger=trigger, job=job).pk


@shared_task(name="reports.snapshot_refresh_task", acks_late=True, **ONE_YEAR)
def snapshot_refresh_task(
    year: int,
    area_paths: list[str] | None = None,
    trigger: str = RebuildJob.Trigger.SIGNAL,
    job_id=None,
) -> int:
    """Refresh the snapshot of `year` where the reviews filed in `area_paths` changed (the
    communes and their ancestors; services.snapshot_refresh); the whole year without paths."""
    paths = sorted(area_paths or [])
    quiet_cache("delete", refresh_debounce_key(year, paths))
    job = RebuildJob.objects.filter(pk=job_id).first() if job_id else None
    return services.snapshot_refresh(year=year, area_paths=paths, trigger=trigger, job=job).pk


@shared_task(name="reports.snapshot_rebuild_all_task", acks_late=True, **EVERY_YEAR)
def snapshot_rebuild_all_task(trigger: str = RebuildJob.Trigger.SCHEDULE) -> list[int]:
    """Nightly: every year that has reviews."""
    return [
        services.snapshot_rebuild(year=year, trigger=trigger).pk
        for year in services.years_with_data()
    ]


@shared_task(name="reports.snapshot_rebuild_dirty_task", acks_late=True, **ONE_YEAR)
def snapshot_rebuild_dirty_task() -> list[int]:
    """Every few minutes: the current and previous year, only when their data changed."""
    this_year = timezone.localdate().year
    return [
        services.snapshot_rebuild(year=year, trigger=RebuildJob.Trigger.SCHEDULE).pk
        for year in services.dirty_years()
        if year >= this_year - 1
    ]


def snapshot_rebuild_schedule(*, year: int, trigger: str, countdown: int) -> bool:
    """Queue one rebuild of `year` in `countdown` seconds unless one is already queued.

    The cache key makes a burst of approvals schedule a single rebuild; the task deletes it
    when it starts. Returns whether a rebuild was queued.
    """
    # With the cache down, schedule anyway: a second rebuild costs less than a missed one.
    if not quiet_cache("add", debounce_key(year), 1, timeout=countdown + 300, default=True):
        return False
    job = RebuildJob.objects.create(year=year, trigger=trigger)
    # Queued through the outbox: with the broker down, sent by the relay when it is back.
    outbox_task(
        snapshot_rebuild_task.name,
        args=[year],
        kwargs={"trigger": trigger, "job_id": job.pk},
        countdown=countdown,
    )
    return True


@shared_task(
    name="reports.forecast_job_run_task", acks_late=True, time_limit=3600, soft_time_limit=3500
)
def forecast_job_run_task(job_id: int) -> int:
    from .forecast import forecast_job_run

    return forecast_job_run(job_id=job_id).pk


def snapshot_refresh_schedule(
    *, year: int, area_paths, trigger: str = RebuildJob.Trigger.SIGNAL
) -> bool:
    """Refresh what a change touched, never inside the request that made it.

    With a broker: one task per year and area set, `REBUILD_DEBOUNCE_SECONDS` later (a burst of
    approvals in one commune makes one refresh), through the outbox. On the embedded default
    (eager tasks): the in-process queue of reports.background, run after the response; with
    `REPORTS_REFRESH_IN_BACKGROUND` off (the test suite) the refresh runs here and now.
    Returns whether a refresh was queued (False: one is already waiting).
    """
    paths = sorted({p for p in area_paths if p})
    if settings.CELERY_TASK_ALWAYS_EAGER:
        if getattr(settings, "REPORTS_REFRESH_IN_BACKGROUND", False):
            from . import background

            background.refresh_later(year=year, area_paths=paths)
            return True
        services.snapshot_refresh(year=year, area_paths=paths, trigger=trigger)
        return True
    countdown = REBUILD_DEBOUNCE_SECONDS
    key = refresh_debounce_key(year, paths)
    if not quiet_cache("add", key, 1, timeout=countdown + 300, default=True):
        return False
    job = RebuildJob.objects.create(year=year, trigger=trigger)
    outbox_task(
        snapshot_refresh_task.name,
        args=[year, paths],
        kwargs={"trigger": trigger, "job_id": job.pk},
        countdown=countdown,
    )
    return True
