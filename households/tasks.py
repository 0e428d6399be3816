"""Celery tasks of the households app (autodiscovered)."""

from celery import shared_task

from households.excel.tasks import *  # noqa: F403


@shared_task(name="households.tasks.jobs_stale_sweep_task")
def jobs_stale_sweep_task() -> dict[str, int]:
    """Every 5 minutes (beat): fail the jobs whose worker died whole (households.jobs)."""
    from households.jobs import jobs_stale_sweep

    return jobs_stale_sweep()
