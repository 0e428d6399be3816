from celery import shared_task

from . import services


@shared_task
def import_job_validate_task(job_id: int) -> None:
    services.import_job_validate(job_id=job_id)


@shared_task
def import_job_run_task(job_id: int) -> None:
    services.import_job_run(job_id=job_id)


@shared_task
def export_job_run_task(job_id: int) -> None:
    from .exports import export_job_run

    export_job_run(job_id=job_id)


@shared_task
def export_files_prune_task() -> int:
    from .exports import export_files_prune

    return export_files_prune()
