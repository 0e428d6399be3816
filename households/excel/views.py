"""Pages of the Excel import and export (households:import*, households:export)."""

from __future__ import annotations

import os
import tempfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from households.organisation import roles
from households.workbook import annotate_workbook

from . import exports, services
from .export import year_indicators
from .forms import ImportForm
from .models import ExportJob, ImportJob
from .writer import template_build

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PREVIEW_ERRORS = 200


def _require_officer(user) -> None:
    if not roles.works_with_areas(user):
        raise Http404


def _job_for(request: HttpRequest, pk: int) -> ImportJob:
    """A job is visible to its owner only (404 for everybody else)."""
    return get_object_or_404(ImportJob, pk=pk, user=request.user)


def _temp_file_response(build, filename: str) -> FileResponse:
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        build(path)
        stream = open(path, "rb")  # noqa: SIM115 - FileResponse closes it
    finally:
        os.unlink(path)  # the open handle keeps the data until the response is sent
    return FileResponse(stream, as_attachment=True, filename=filename, content_type=XLSX)


@login_required
def import_start(request: HttpRequest) -> HttpResponse:
    _require_officer(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = services.import_job_create(
            user=request.user, upload=form.cleaned_data["file"], year=form.cleaned_data["year"]
        )
        return redirect("households:import-job", pk=job.pk)
    jobs = ImportJob.objects.filter(user=request.user)[:10]
    return render(request, "households/excel/import.html", {"form": form, "jobs": jobs})


@login_required
@require_GET
def import_template(request: HttpRequest) -> FileResponse:
    _require_officer(request.user)
    year = _template_year(request)
    indicators = year_indicators(year)
    return _temp_file_response(
        lambda path: template_build(path, indicators), f"mau-nhap-ra-soat-ho-{year}.xlsx"
    )


def _template_year(request: HttpRequest) -> int:
    """?year=2027: the template of that year's standard; else the current year."""
    raw = request.GET.get("year", "")
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    return timezone.localdate().year


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    context = {
        "job": job,
        "errors": job.errors[:PREVIEW_ERRORS],
        "warnings": job.warnings[:PREVIEW_ERRORS],
        "progress": services.job_progress(job),
    }
    return render(request, "households/excel/job.html", context)


@login_required
@require_GET
def import_status(request: HttpRequest, pk: int) -> JsonResponse:
    job = _job_for(request, pk)
    return JsonResponse(services.job_progress(job))


@login_required
@require_GET
def import_errors(request: HttpRequest, pk: int) -> FileResponse:
    job = _job_for(request, pk)
    if not job.errors or not os.path.exists(job.file_path):
        raise Http404
    try:
        return _temp_file_response(
            lambda path: annotate_workbook(job.file_path, path, job.errors),
            f"loi-{job.pk}.xlsx",
        )
    except Exception as exc:  # an unreadable workbook has no cells to annotate
        raise Http404 from exc


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    if not services.import_job_confirm(job=job):
        messages.error(request, _("Lần nhập này không ở trạng thái chờ xác nhận."))
    return redirect("households:import-job", pk=job.pk)


@login_required
@require_http_methods(["GET", "POST"])
def export(request: HttpRequest) -> HttpResponse:
    """GET: the list as .xlsx at once, or (a long list) a page offering to prepare it in the
    background; POST (from that page): start the background export."""
    _require_officer(request.user)
    params = request.POST if request.method == "POST" else request.GET
    queryset, year = exports.export_queryset(request.user, params)
    if request.method == "POST":
        job = exports.export_job_create(
            user=request.user, params=params, year=year, total=queryset.count()
        )
        return redirect("households:export-job", pk=job.pk)
    total = queryset.count()
    if total > settings.EXPORT_DIRECT_MAX_HOUSEHOLDS:
        fields = [(k, v) for k, values in params.lists() for v in values]
        recent = ExportJob.objects.filter(user=request.user)[:5]
        context = {"total": total, "year": year, "fields": fields, "jobs": recent}
        return render(request, "households/excel/export_confirm.html", context)
    return _temp_file_response(
        lambda path: exports.export_file_write(path, queryset, user=request.user, year=year),
        f"ho-gia-dinh-{year}.xlsx",
    )


def _export_job_for(request: HttpRequest, pk: int) -> ExportJob:
    """An export is visible to its owner only (404 for everybody else)."""
    return get_object_or_404(ExportJob, pk=pk, user=request.user)


@login_required
@require_GET
def export_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _export_job_for(request, pk)
    context = {
        "job": job,
        "progress": exports.export_progress(job),
        "keep_hours": settings.EXPORT_KEEP_HOURS,
    }
    return render(request, "households/excel/export_job.html", context)


@login_required
@require_GET
def export_status(request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(exports.export_progress(_export_job_for(request, pk)))


@login_required
@require_GET
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _export_job_for(request, pk)
    if job.status != ExportJob.Status.DONE or not os.path.exists(job.file_path):
        raise Http404
    return FileResponse(
        open(job.file_path, "rb"),
        as_attachment=True,
        filename=job.filename,
        content_type=XLSX,
    )
