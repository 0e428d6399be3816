from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from households.organisation import roles
from households.organisation.rules import committee_name
from households.organisation.selectors import agency_of
from households.rules import download_disposition, file_slug

from . import selectors, services
from .dashboard import dashboard_get
from .forecast import forecast_job_create
from .forms import ForecastForm, OfficialTableForm, RebuildForm
from .models import ForecastJob
from .official import TABLES, official_preview, official_workbook_build
from .xlsx import table_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year(request: HttpRequest) -> int | None:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() else None


def _xlsx(content: bytes, name: str) -> HttpResponse:
    """`name` as people read it ("Biểu 01 Tổng hợp ... - Xã Ba Tri - 2026"): the download is
    saved under it, and under its ASCII form ("bieu-01-tong-hop-...-xa-ba-tri-2026.xlsx") by a
    client that cannot read the Vietnamese one."""
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = download_disposition(
        filename=f"{file_slug(name)}.xlsx", display_name=f"{name}.xlsx"
    )
    return response


def _dashboard(request: HttpRequest, code: str | None) -> HttpResponse:
    # The year asked for, else the default year (the latest with approved data), resolved once.
    snapshots = selectors.snapshot_list_active()
    year = _year(request) or selectors.snapshot_default_year(snapshots)
    area = selectors.dashboard_area_get(request.user, code=code, year=year)
    context = dashboard_get(request.user, area=area, year=year, snapshots=snapshots)
    return render(request, "reports/dashboard.html", context)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return _dashboard(request, None)


@login_required
def area_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    return _dashboard(request, code)


@login_required
def table_xlsx(request: HttpRequest, code: str, key: str) -> HttpResponse:
    area = selectors.dashboard_area_get(request.user, code=code)
    context = dashboard_get(request.user, area=area, year=_year(request))
    table = context["tables"].get(key)
    if table is None:
        raise Http404
    snapshot = context["snapshot"]
    content = table_workbook(table, area=area, snapshot=snapshot)
    return _xlsx(content, f"{table.title} - {area.name} - {snapshot.year}")


@login_required
def official(request: HttpRequest) -> HttpResponse:
    if selectors.dashboard_only_targets(request.user):  # the official tables: area roles
        raise Http404
    snapshots = selectors.snapshot_list_active()
    form = OfficialTableForm(
        request.GET or None,
        user=request.user,
        years=[s.year for s in snapshots],
        default_year=selectors.snapshot_default_year(snapshots),
    )
    context = {"form": form, "snapshots": snapshots}
    if form.is_valid():
        data = form.cleaned_data
        snapshot = selectors.snapshot_pick(snapshots, data["year"])
        if request.GET.get("show"):  # the same rows as the workbook, on the page
            context["preview"] = official_preview(
                key=data["table"], area=data["area"], snapshot=snapshot
            )
            return render(request, "reports/official.html", context)
        agency = agency_of(request.user)
        unit = agency.name if agency else committee_name(data["area"].name)
        content = official_workbook_build(
            key=data["table"], area=data["area"], snapshot=snapshot, unit=unit
        )
        number = list(TABLES).index(data["table"]) + 1
        title = TABLES[data["table"]].title
        return _xlsx(
            content,
            _("Biểu %(n)02d %(title)s - %(area)s - %(year)s")
            % {"n": number, "title": title, "area": data["area"].name, "year": snapshot.year},
        )
    return render(request, "reports/official.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def jobs(request: HttpRequest) -> HttpResponse:
    if not roles.is_provincial(request.user):
        raise Http404
    with_data = services.years_with_data()
    form = RebuildForm(request.POST or None, years=with_data)
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["year"]
        years = [year] if year else with_data
        services.snapshot_rebuild_request(years=years)
        messages.success(request, _("Đã yêu cầu tính lại số liệu năm %(years)s.") % {
            "years": ", ".join(str(y) for y in years)})  # fmt: skip
        return redirect("reports:jobs")
    context = {"form": form, "jobs": selectors.job_list()[:50]}
    return render(request, "reports/jobs.html", context)


# --- forecast under another standard ------------------------------------------------------


def _provincial(request: HttpRequest) -> None:
    if not roles.is_provincial(request.user):
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def forecast(request: HttpRequest) -> HttpResponse:
    _provincial(request)
    form = ForecastForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        job = forecast_job_create(
            user=request.user,
            area=form.cleaned_data["area"],
            standard=form.cleaned_data["standard"],
        )
        return redirect("reports:forecast-job", pk=job.pk)
    jobs = ForecastJob.objects.filter(user=request.user).select_related("area", "standard")[:10]
    return render(request, "reports/forecast.html", {"form": form, "jobs": jobs})


def _forecast_job(request: HttpRequest, pk: int) -> ForecastJob:
    _provincial(request)
    job = ForecastJob.objects.select_related("area", "standard").filter(pk=pk, user=request.user)
    found = job.first()
    if found is None:
        raise Http404
    return found


@login_required
def forecast_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _forecast_job(request, pk)
    provisional = job.standard.indicators.filter(provisional=True).count()
    context = {"job": job, "summary": job.summary, "provisional": provisional}
    return render(request, "reports/forecast_job.html", context)


@login_required
def forecast_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _forecast_job(request, pk)
    if job.status != ForecastJob.Status.DONE or not Path(job.file_path).exists():
        raise Http404
    name = f"du-bao-{job.area.code}-{job.standard.code}.xlsx"
    return FileResponse(
        open(job.file_path, "rb"),
        as_attachment=True,
        filename=name,
        content_type=XLSX,
    )
