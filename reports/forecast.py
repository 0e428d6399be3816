"""The forecast job: start, run (households.forecast, reads only), the workbook and the
summary the page shows. Only the job row and its workbook file are written."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from households import rules
from households.forecast import Forecast, forecast_run
from households.models import Area, Classification, PovertyStandard
from households.outbox import outbox_task

from .models import ForecastJob

CLASSES = (rules.POOR, rules.NEAR_POOR, rules.AVERAGE, rules.ABOVE)
BOLD = Font(bold=True)
# Communes listed on the page (the workbook has them all).
PAGE_COMMUNES = 30


@transaction.atomic
def forecast_job_create(*, user, area: Area, standard: PovertyStandard) -> ForecastJob:
    """The job row and its task, queued through the outbox (sent when the broker is back if it
    is down: the job stays queued, the page says so)."""
    from .tasks import forecast_job_run_task

    job = ForecastJob.objects.create(user=user, area=area, standard=standard)
    outbox_task(forecast_job_run_task.name, args=[job.pk])
    return job


def forecast_job_run(*, job_id: int) -> ForecastJob:
    """Run a queued job (safe to run twice: only a queued job runs)."""
    claimed = ForecastJob.objects.filter(pk=job_id, status=ForecastJob.Status.QUEUED).update(
        status=ForecastJob.Status.RUNNING
    )
    job = ForecastJob.objects.select_related("area", "standard").get(pk=job_id)
    if not claimed:
        return job
    started = time.monotonic()

    def progress(done: int) -> None:
        ForecastJob.objects.filter(pk=job_id).update(households_done=done)

    try:
        forecast = forecast_run(area=job.area, standard=job.standard, progress=progress)
        folder = Path(settings.MEDIA_ROOT) / "forecasts"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"du-bao-{job.area.code}-{job.standard.code}-{uuid.uuid4().hex[:8]}.xlsx"
        forecast_workbook_write(path, forecast)
    except Exception as exc:  # the job records the failure; the worker carries on
        job.status, job.error = ForecastJob.Status.FAILED, str(exc)[:2000]
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        raise
    job.year = forecast.year or None
    job.summary = forecast_summary(forecast)
    job.households_done = job.summary["total"]["households"]
    job.file_path = str(path)
    job.status = ForecastJob.Status.DONE
    job.finished_at = timezone.now()
    job.duration_ms = int((time.monotonic() - started) * 1000)
    job.save(
        update_fields=[
            "year",
            "summary",
            "households_done",
            "file_path",
            "status",
            "finished_at",
            "duration_ms",
        ]
    )
    return job


def _commune_dict(c, labels) -> dict:
    return {
        "code": c.code,
        "name": c.name,
        "households": c.households,
        "before": {k: c.before[k] for k in CLASSES},
        "after": {k: c.after[k] for k in CLASSES},
        "poor_change": c.poor_change,
        "near_poor_change": c.near_poor_change,
        "changes": dict(c.changes.most_common()),
        "gained": {labels.get(n, f"d{n:02d}"): k for n, k in c.gained.most_common()},
        "lost": {labels.get(n, f"d{n:02d}"): k for n, k in c.lost.most_common()},
    }


def forecast_summary(forecast: Forecast) -> dict:
    """Plain JSON for the page: the total, the communes by change of the poor count, and which
    standards the reviews were classified under."""
    labels = forecast.labels
    return {
        "year": forecast.year,
        "standard": forecast.standard.name,
        "sources": [s.name for s in forecast.source_standards],
        "mixes_standards": forecast.mixes_standards,
        "total": _commune_dict(forecast.total, labels),
        "communes": [_commune_dict(c, labels) for c in forecast.ranked()[:PAGE_COMMUNES]],
        "commune_count": len(forecast.communes),
    }


def _labels() -> dict[str, str]:
    return {value: str(label) for value, label in Classification.choices}


def forecast_workbook_write(path: Path, forecast: Forecast) -> None:
    """Sheets TONG_HOP (by commune), CHI_SO (indicators that make the difference) and
    HO_THAY_DOI (each household whose class would change); streamed (write-only)."""
    names = _labels()
    book = Workbook(write_only=True)
    sources = ", ".join(s.name for s in forecast.source_standards) or "–"
    heading = [
        _("Dự báo phân loại theo %(standard)s") % {"standard": forecast.standard.name},
        _("Địa bàn: %(area)s; phiếu đã duyệt năm %(year)s, đã phân loại theo: %(sources)s")
        % {"area": forecast.area.name, "year": forecast.year, "sources": sources},
    ]
    summary = book.create_sheet("TONG_HOP")
    for line in heading:
        summary.append([line])
    summary.append([])
    summary.append(
        [
            _("Mã xã"),
            _("Tên xã"),
            _("Số hộ"),
            *(_("%(c)s hiện nay") % {"c": names[c]} for c in CLASSES),
            *(_("%(c)s theo chuẩn mới") % {"c": names[c]} for c in CLASSES),
            _("Thay đổi số hộ nghèo"),
            _("Thay đổi số hộ cận nghèo"),
        ]
    )
    rows = [*forecast.ranked(), forecast.total]
    for c in rows:
        summary.append(
            [
                c.code,
                c.name if c is not rows[-1] else _("Tổng cộng"),
                c.households,
                *(c.before[k] for k in CLASSES),
                *(c.after[k] for k in CLASSES),
                c.poor_change,
                c.near_poor_change,
            ]
        )
    columns = sorted(forecast.labels)
    indicators = book.create_sheet("CHI_SO")
    indicators.append([heading[0]])
    indicators.append(
        [
            _("Mã xã"),
            _("Tên xã"),
            *(
                _("%(i)s: %(what)s") % {"i": forecast.labels[n], "what": what}
                for n in columns
                for what in (_("thêm thiếu hụt"), _("hết thiếu hụt"))
            ),
        ]
    )
    for c in rows:
        indicators.append([c.code, c.name, *(x for n in columns for x in (c.gained[n], c.lost[n]))])
    households = book.create_sheet("HO_THAY_DOI")
    households.append(
        [
            _("Mã xã"),
            _("Mã hộ"),
            _("Chủ hộ"),
            _("Hiện nay"),
            _("Theo chuẩn mới"),
            _("Thêm thiếu hụt"),
            _("Hết thiếu hụt"),
        ]
    )
    codes = {c.area_id: c.code for c in forecast.communes.values()}
    for change in forecast.changes:
        households.append(
            [
                codes.get(change.commune_id, ""),
                change.code,
                change.head_name,
                names.get(change.before, change.before),
                names.get(change.after, change.after),
                "; ".join(forecast.labels.get(n, "") for n in change.gained),
                "; ".join(forecast.labels.get(n, "") for n in change.lost),
            ]
        )
    book.save(path)
