"""Celery tasks of the household workbooks. Each takes a job id and calls a service; each is
safe to run twice (the service claims the job with one UPDATE, so a redelivered message finds it
claimed and does nothing), hence `acks_late`."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from . import services

logger = logging.getLogger(__name__)

# A workbook of up to WORKBOOK_MAX_BYTES is read, validated and written in one transaction; a
# district's household list is streamed into a workbook. Both take minutes, not seconds.
LONG = {"soft_time_limit": 30 * 60, "time_limit": 35 * 60}


@shared_task(name="households.import_job_validate_task", acks_late=True, **LONG)
def import_job_validate_task(job_id: int) -> None:
    try:
        services.import_job_validate(job_id=job_id)
    except SoftTimeLimitExceeded:
        logger.warning("Import job %s: validation ran out of time", job_id)
        services.import_job_time_out(job_id=job_id)


@shared_task(name="households.import_job_run_task", acks_late=True, **LONG)
def import_job_run_task(job_id: int) -> None:
    try:
        services.import_job_run(job_id=job_id)
    except SoftTimeLimitExceeded:
        # The import's one transaction is rolled back: nothing is half-written.
        logger.warning("Import job %s: the import ran out of time", job_id)
        services.import_job_time_out(job_id=job_id)


@shared_task(name="households.export_job_run_task", acks_late=True, **LONG)
def export_job_run_task(job_id: int) -> None:
    # The export records any failure, SoftTimeLimitExceeded included, on its job.
    from .exports import export_job_run

    export_job_run(job_id=job_id)


@shared_task(name="households.export_files_prune_task", acks_late=True)
def export_files_prune_task() -> int:
    from .exports import export_files_prune

    return export_files_prune()
