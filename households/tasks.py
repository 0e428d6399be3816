"""Celery tasks of the households app (autodiscovered)."""

from celery import shared_task

from households.excel.tasks import *  # noqa: F403


# Names and limits as h12b settles them for every task: "<app>.<function>", acks_late where
# safe to run twice (all three are), soft/hard time limits.
@shared_task(
    name="households.jobs_stale_sweep_task", acks_late=True, soft_time_limit=120, time_limit=150
)
def jobs_stale_sweep_task() -> dict[str, int]:
    """Every 5 minutes (beat): fail the jobs whose worker died whole (households.jobs)."""
    from households.jobs import jobs_stale_sweep

    return jobs_stale_sweep()


@shared_task(
    name="households.outbox_relay_task", acks_late=True, soft_time_limit=120, time_limit=150
)
def outbox_relay_task() -> list[int]:
    """Every 30 s (beat): send what writes owed while the broker was down (households.outbox)."""
    from households.outbox import outbox_dispatch

    sent, failed = outbox_dispatch()
    return [sent, failed]


@shared_task(name="households.heartbeat_task", acks_late=True, soft_time_limit=30, time_limit=45)
def heartbeat_task() -> None:
    """Every minute (beat): the worker that runs this is alive (the health page)."""
    from households.health import heartbeat_record

    heartbeat_record("worker")
