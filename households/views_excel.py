"""Pages of the Excel import and export (households:import*, households:export)."""

from __future__ import annotations

import os
import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import roles, selectors
from .excel import services
from .excel.export import export_member_rows, export_rows
from .excel.forms import ImportForm
from .excel.tasks import import_job_run_task, import_job_validate_task
from .excel.writer import annotate_errors, export_write, template_build
from .filters import HouseholdFilter
from .models import HouseholdReview, ImportJob

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PREVIEW_ERRORS = 200


def _require_officer(user) -> None:
    if not (roles.is_area_officer(user) or roles.is_provincial(user)):
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
        transaction.on_commit(lambda: import_job_validate_task.delay(job.id))
        return redirect("households:import-job", pk=job.pk)
    jobs = ImportJob.objects.filter(user=request.user)[:10]
    return render(request, "households/excel/import.html", {"form": form, "jobs": jobs})


@login_required
@require_GET
def import_template(request: HttpRequest) -> FileResponse:
    _require_officer(request.user)
    return _temp_file_response(template_build, "mau-nhap-ra-soat-ho.xlsx")


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
            lambda path: annotate_errors(job.file_path, path, job.errors),
            f"loi-{job.pk}.xlsx",
        )
    except Exception as exc:  # an unreadable workbook has no cells to annotate
        raise Http404 from exc


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    if services.import_job_confirm(job=job):
        transaction.on_commit(lambda: import_job_run_task.delay(job.id))
    else:
        messages.error(request, _("Lần nhập này không ở trạng thái chờ xác nhận."))
    return redirect("households:import-job", pk=job.pk)


def _export_year(request: HttpRequest, queryset) -> int:
    year = request.GET.get("year", "")
    if year.isdigit() and 2000 <= int(year) <= 2100:
        return int(year)
    latest = (
        HouseholdReview.objects.filter(household__in=queryset.values("id"))
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    return latest or timezone.localdate().year


@login_required
@require_GET
def export(request: HttpRequest) -> FileResponse:
    _require_officer(request.user)
    households = selectors.household_list_for_user(request.user)
    year = _export_year(request, households)
    # The list's own filter, so the download holds exactly what the list shows.
    filterset = HouseholdFilter(request.GET, households, user=request.user, year=year)
    queryset = filterset.qs if filterset.is_valid() else households.none()
    reveal = selectors.identifier_paths(request.user)
    return _temp_file_response(
        lambda path: export_write(
            path,
            export_rows(queryset, year=year, reveal_paths=reveal),
            export_member_rows(queryset, reveal_paths=reveal),
        ),
        f"ho-gia-dinh-{year}.xlsx",
    )
