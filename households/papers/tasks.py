from celery import shared_task

LONG = {"soft_time_limit": 30 * 60, "time_limit": 35 * 60}


@shared_task(name="households.paper_job_run_task", acks_late=True, **LONG)
def paper_job_run_task(job_id: int) -> None:
    # The job records any failure, SoftTimeLimitExceeded included.
    from .jobs import paper_job_run

    paper_job_run(job_id=job_id)
