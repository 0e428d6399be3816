from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from households.filters import HouseholdFilter
from households.forms import add_service_errors
from households.models import Area
from households.organisation import roles
from households.organisation.selectors import agency_of
from households.selectors import (
    household_get_for_user,
    household_list_for_user,
    latest_review_year,
)

from . import excel, selectors, services
from .forms import BulkSupportForm, ImportForm, LackingCardForm, SupportForm

IMPORT_SESSION_KEY = "programs_import_rows"
ERRORS_SESSION_KEY = "programs_import_errors"
# Every paginated list uses templates/includes/pagination.html (page links, "Trang n/N").
RECORDS_PAGE_SIZE = 50


def _require_area_role(user) -> None:
    if not roles.works_with_areas(user):
        raise Http404


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not roles.has_working_role(user):
        raise Http404
    agency = agency_of(user)
    context = {
        "programmes": selectors.programme_list(),
        "own_agency_id": agency.pk if agency else None,
    }
    return render(request, "programs/programme_list.html", context)


@login_required
def programme_detail(request: HttpRequest, code: str) -> HttpResponse:
    programme = selectors.programme_get_for_user(request.user, code=code)
    records = selectors.support_list_for_user(request.user, programme)
    by_area = selectors.programme_by_area(records)
    context = {
        "programme": programme,
        "totals": selectors.programme_totals(records),
        "by_area": by_area,
        # the district column only where some commune still sits under one (two-tier: none)
        "show_district": any(
            r["household__commune__parent__level"] == Area.Level.DISTRICT for r in by_area
        ),
        "page": Paginator(
            records.select_related("household__commune", "member").order_by("-date", "-pk"),
            RECORDS_PAGE_SIZE,
        ).get_page(request.GET.get("page")),
        "scoped": not selectors.can_see_all_beneficiaries(request.user, programme),
    }
    return render(request, "programs/programme_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def support_create(request: HttpRequest, pk: int) -> HttpResponse:
    _require_area_role(request.user)
    household = household_get_for_user(request.user, pk=pk)
    chosen = selectors.programme_by_code(request.GET.get("programme", ""))
    initial = {"date": timezone.localdate(), "programme": chosen}
    form = SupportForm(request.POST or None, household=household, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.support_record_create(
                household=household, data=form.to_input(), user=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận hỗ trợ cho hộ %s.") % household.code)
            return redirect("programs:support-create", pk=household.pk)
    panel = selectors.household_panel(household, timezone.localdate())
    return render(
        request,
        "programs/support_form.html",
        {"form": form, "household": household, "panel": panel},
    )


@login_required
@require_http_methods(["GET", "POST"])
def bulk_support(request: HttpRequest) -> HttpResponse:
    _require_area_role(request.user)
    today = timezone.localdate()
    data = request.GET or None
    filters = HouseholdFilter(
        data, household_list_for_user(request.user), user=request.user, year=latest_review_year()
    )
    lacking = LackingCardForm(data)
    households = selectors.bulk_household_list(filters, lacking_card=lacking.wanted(), on=today)
    form = BulkSupportForm(request.POST or None, initial={"date": today})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            result = services.support_bulk_create(
                households=households,
                programme=d["programme"],
                on=d["date"],
                valid_until=d["valid_until"],
                amount=d["amount"],
                quantity=d["quantity"],
                note=d["note"],
                user=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Đã ghi nhận %(created)s hỗ trợ; bỏ qua %(skipped)s đã có; %(refused)s hộ không thuộc đối tượng."
                )
                % {
                    "created": result.created,
                    "skipped": result.skipped,
                    "refused": len(result.refused),
                },
            )
            for line in result.refused[:20]:
                messages.warning(request, line)
            return redirect(request.get_full_path())
    context = {
        "filters": filters,
        "lacking": lacking,
        "year": filters.review_year,
        "form": form,
        "count": households.count(),
        "page": Paginator(
            households.select_related("commune", "hamlet").order_by("code"), RECORDS_PAGE_SIZE
        ).get_page(request.GET.get("page")),
    }
    return render(request, "programs/bulk_support.html", context)


def _forget_error_file(request: HttpRequest) -> None:
    excel.upload_discard(request.session.pop(ERRORS_SESSION_KEY, {}).get("file"))


@login_required
@require_http_methods(["GET", "POST"])
def support_import(request: HttpRequest) -> HttpResponse:
    _require_area_role(request.user)
    households = household_list_for_user(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and "confirm" in request.POST:
        rows = [services.ImportRow(**r) for r in request.session.pop(IMPORT_SESSION_KEY, [])]
        try:
            count = services.support_import(rows=rows, households=households, user=request.user)
        except ValidationError as exc:
            for message in exc.messages[:50]:
                messages.error(request, message)
        else:
            messages.success(request, _("Đã nhập %s hỗ trợ.") % count)
        return redirect("programs:import")
    if request.method == "POST" and form.is_valid():
        _forget_error_file(request)
        request.session.pop(IMPORT_SESSION_KEY, None)
        preview, stored = excel.upload_preview(form.cleaned_data["file"], households=households)
        if stored:
            errors = [e.as_dict() for e in preview.errors]
            request.session[ERRORS_SESSION_KEY] = {"file": stored, "errors": errors}
        elif preview.rows and not preview.errors:
            request.session[IMPORT_SESSION_KEY] = preview.rows_as_dicts()
    return render(request, "programs/import.html", {"form": form, "preview": preview})


@login_required
@require_GET
def support_import_errors(request: HttpRequest) -> FileResponse:
    """The user's last uploaded workbook, its errors marked (kept in their session only)."""
    _require_area_role(request.user)
    kept = request.session.get(ERRORS_SESSION_KEY)
    try:
        annotated = excel.annotated_errors(kept["file"], kept["errors"])
    except Exception as exc:  # nothing kept, the file gone, or no cells to annotate
        raise Http404 from exc
    return FileResponse(annotated, as_attachment=True, filename="loi-nhap-ho-tro.xlsx")
