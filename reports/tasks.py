"""Celery tasks: each calls a service and is safe to run twice (a rebuild builds a new snapshot
and swaps it in), hence `acks_late`. A rebuild past its soft time limit records its job as
failed (snapshot_rebuild records any exception) and leaves the active snapshot in place."""

from __future__ import annotations

from celery import shared_task
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


@shared_task(name="reports.snapshot_rebuild_task", acks_late=True, **ONE_YEAR)
def snapshot_rebuild_task(year: int, trigger: str = RebuildJob.Trigger.MANUAL, job_id=None) -> int:
    # Let approvals that arrive from now on schedule the next rebuild.
    quiet_cache("delete", debounce_key(year))
    job = RebuildJob.objects.filter(pk=job_id).first() if job_id else None
    return services.snapshot_rebuild(year=year, trigger=trigger, job=job).pk


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
