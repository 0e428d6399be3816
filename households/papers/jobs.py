"""A commune's certificates as a background job with progress (the export job's pattern:
claimed once, progress per batch, failures recorded on the job, swept when stale)."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from households.excel.services import job_claim
from households.models import Area, PaperJob

from . import selectors

logger = logging.getLogger(__name__)


def paper_job_start(*, user: Any, area: Area, year: int, review_ids: list[int]) -> PaperJob:
    from .tasks import paper_job_run_task

    job = PaperJob.objects.create(
        user=user, area=area, year=year, review_ids=review_ids, rows_total=len(review_ids)
    )
    transaction.on_commit(lambda: paper_job_run_task.delay(job.pk))
    return job


def paper_job_run(*, job_id: int) -> PaperJob:
    """Render a pending job's PDF (safe to run twice: only a pending job runs)."""
    from .render import chunk_size, papers_pdf
    from .views import certificate_context

    Status = PaperJob.Status
    job, claimed = job_claim(PaperJob, job_id, waiting=Status.PENDING, running=Status.RENDERING)
    if not claimed:
        return job
    folder = Path(settings.MEDIA_ROOT) / "papers"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}.pdf"
    size = chunk_size()

    def progress(batches: int) -> None:
        done = min(batches * size, job.rows_total)
        PaperJob.objects.filter(id=job_id).update(rows_written=done)

    try:
        area = Area.objects.get(pk=job.area_id)
        with open(path, "wb") as out:
            pages = papers_pdf(
                "households/papers/certificates.html",
                lambda batch: certificate_context(
                    area, job.year, selectors.reviews_with_members(batch)
                ),
                selectors.iter_batches(list(job.review_ids), size),
                out,
                progress=progress,
            )
    except Exception as exc:
        path.unlink(missing_ok=True)
        job.status, job.error = Status.FAILED, f"{type(exc).__name__}: {exc}"[:2000]
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        logger.exception("Paper job %s failed", job_id)
        return job
    job.status, job.file_path, job.pages = Status.DONE, str(path), pages
    job.rows_written = job.rows_total
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "file_path", "pages", "rows_written", "finished_at"])
    return job


def paper_progress(job: PaperJob) -> dict:
    # The keys the export page's script reads (static/js/excel.js).
    return {
        "status": job.status,
        "rows_total": job.rows_total,
        "rows_validated": job.rows_written,
        "rows_written": job.rows_written,
    }


def paper_job_fail(job_id: int, message: str) -> bool:
    return bool(
        PaperJob.objects.filter(id=job_id, status__in=PaperJob.RUNNING).update(
            status=PaperJob.Status.FAILED, error=message, finished_at=timezone.now()
        )
    )


def paper_jobs_sweep(cutoff: Any, message: str) -> int:
    Status = PaperJob.Status
    ids = [
        *PaperJob.objects.filter(status=Status.RENDERING, started_at__lt=cutoff).values_list(
            "id", flat=True
        ),
        *PaperJob.objects.filter(
            status=Status.PENDING, created_at__lt=cutoff - timedelta(days=1)
        ).values_list("id", flat=True),
    ]
    return sum(paper_job_fail(job_id, message) for job_id in ids)
