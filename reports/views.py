from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from households.organisation import roles
from households.organisation.selectors import agency_of

from . import selectors, services
from .dashboard import dashboard_get
from .forms import OfficialTableForm, RebuildForm
from .official import official_preview, official_workbook_build
from .xlsx import table_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year(request: HttpRequest) -> int | None:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() else None


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _dashboard(request: HttpRequest, code: str | None) -> HttpResponse:
    area = selectors.dashboard_area_get(request.user, code=code, year=_year(request))
    context = dashboard_get(request.user, area=area, year=_year(request))
    context["targets_missed_only"] = request.GET.get("chi_tieu") == "chua-dat"
    if context["targets_missed_only"] and context.get("targets_by_area"):
        context["targets_by_area"] = [
            row for i, row in enumerate(context["targets_by_area"]) if i == 0 or row["missed"]
        ]
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
    return _xlsx(content, f"{key}-{area.code}-{snapshot.year}.xlsx")


@login_required
def official(request: HttpRequest) -> HttpResponse:
    if selectors.dashboard_only_targets(request.user):  # the official tables: area roles
        raise Http404
    snapshots = selectors.snapshot_list_active()
    form = OfficialTableForm(
        request.GET or None, user=request.user, years=[s.year for s in snapshots]
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
        unit = agency.name if agency else _("UBND %(area)s") % {"area": data["area"].name}
        content = official_workbook_build(
            key=data["table"], area=data["area"], snapshot=snapshot, unit=unit
        )
        return _xlsx(content, f"bieu-{data['table']}-{data['area'].code}-{snapshot.year}.xlsx")
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
