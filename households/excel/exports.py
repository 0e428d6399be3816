"""Exports of the household list: the list's own filters, at once or by a background task.

A commune's list (a few thousand households) downloads at once. Longer lists (a district, the
province) take longer to write than a web request may last, so a task writes them into a
private file while the page shows its progress; the file is then downloaded by its owner.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Iterator
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from households import selectors
from households.filters import HouseholdFilter
from households.jobs import stale_job_ids, unexpected_message
from households.models import ExportJob, HouseholdReview
from households.organisation.selectors import identifier_masker
from households.outbox import outbox_task

from .export import export_member_rows, export_rows, year_indicators
from .services import job_claim
from .writer import export_write

PROGRESS_EVERY = 2000
logger = logging.getLogger(__name__)


def export_year(queryset: QuerySet, raw: str) -> int:
    """The year asked for, or the latest year with a review among the listed households."""
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    latest = (
        HouseholdReview.objects.filter(household__in=queryset.values("id"))
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    return latest or timezone.localdate().year


def export_queryset(user, params: QueryDict) -> tuple[QuerySet, int]:
    """The households the list shows to `user` with these filters, and the year exported."""
    households = selectors.household_list_for_user(user)
    year = export_year(households, params.get("year", ""))
    filterset = HouseholdFilter(params, households, user=user, year=year)
    return (filterset.qs if filterset.is_valid() else households.none()), year


def export_file_write(
    path: str | Path, queryset: QuerySet, *, user, year: int, progress=None
) -> int:
    """The workbook (households and members) of `queryset`, identifiers masked outside the
    user's areas; `progress(n)` after every PROGRESS_EVERY households."""
    shown = identifier_masker(user)
    rows = export_rows(queryset, year=year, shown=shown)
    if progress is not None:
        rows = _counted(rows, progress)
    members = export_member_rows(queryset, shown=shown, year=year)
    return export_write(path, rows, members, year_indicators(year))


def _counted(rows: Iterable[list], progress) -> Iterator[list]:
    for count, row in enumerate(rows, start=1):
        yield row
        if count % PROGRESS_EVERY == 0:
            progress(count)


@transaction.atomic
def export_job_create(*, user, params: QueryDict, year: int, total: int) -> ExportJob:
    """Record the job and start the background export once the row is committed."""
    from .tasks import export_job_run_task

    kept = params.copy()
    kept.pop("csrfmiddlewaretoken", None)  # the filters only: the job's address shows them
    job = ExportJob.objects.create(user=user, year=year, params=kept.urlencode(), rows_total=total)
    outbox_task(export_job_run_task.name, args=[job.id])
    return job


def export_job_run(*, job_id: int) -> ExportJob:
    """Write a pending job's file (safe to run twice: only a pending job runs)."""
    export_files_prune()
    Status = ExportJob.Status
    job, claimed = job_claim(ExportJob, job_id, waiting=Status.PENDING, running=Status.EXPORTING)
    if not claimed:
        return job
    folder = Path(settings.MEDIA_ROOT) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}.xlsx"

    def progress(count: int) -> None:
        ExportJob.objects.filter(id=job_id).update(rows_written=count)

    try:
        queryset, _year = export_queryset(job.user, QueryDict(job.params))
        count = export_file_write(path, queryset, user=job.user, year=job.year, progress=progress)
    except Exception:
        path.unlink(missing_ok=True)
        # The exception's text may quote personal data: it goes to the log, the user reads a
        # plain message.
        job.status, job.error = ExportJob.Status.FAILED, unexpected_message()
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        logger.exception("Export job %s failed", job_id)
        return job
    job.status, job.file_path = ExportJob.Status.DONE, str(path)
    job.rows_total = job.rows_written = count
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "file_path", "rows_total", "rows_written", "finished_at"])
    return job


def export_files_prune(*, now=None) -> int:
    """Remove the files (and jobs) older than EXPORT_KEEP_HOURS; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(hours=settings.EXPORT_KEEP_HOURS)
    old = list(ExportJob.objects.filter(created_at__lt=cutoff))
    for job in old:
        if job.file_path:
            Path(job.file_path).unlink(missing_ok=True)
    ExportJob.objects.filter(id__in=[j.id for j in old]).delete()
    return len(old)


def export_progress(job: ExportJob) -> dict:
    return {
        "status": job.status,
        "rows_total": job.rows_total,
        "rows_validated": job.rows_written,
        "rows_written": job.rows_written,
    }


def export_job_fail(job_id: int, message: str) -> bool:
    """Mark an unfinished export failed with `message` (shown on its page)."""
    return bool(
        ExportJob.objects.filter(id=job_id, status__in=ExportJob.RUNNING).update(
            status=ExportJob.Status.FAILED, error=message, finished_at=timezone.now()
        )
    )


def export_jobs_sweep(cutoff, message: str) -> int:
    Status = ExportJob.Status
    ids = stale_job_ids(
        ExportJob, running=[Status.EXPORTING], waiting=[Status.PENDING], cutoff=cutoff
    )
    return sum(export_job_fail(job_id, message) for job_id in ids)
