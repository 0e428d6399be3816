from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from households.organisation import roles
from households.organisation.selectors import (
    approval_wording_for_review,
    area_get_for_user,
    commune_list_for_user,
    identifier_masker,
)

from . import rules, selectors, services
from .filters import HouseholdFilter
from .forms import (
    HouseholdForm,
    MemberFormSet,
    PopulationForm,
    ReasonForm,
    ReviewForm,
    ReviewQueueFilterForm,
    add_service_errors,
)
from .models import Classification, Household, HouseholdReview, Member, Movement
from .organisation.selectors import area_chains
from .paging import CappedPaginator
from .panels import household_panels

PAGE_SIZES = (10, 25, 50, 100)


def _messages_of(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


# --- households -------------------------------------------------------------------------------


@login_required
def household_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    year = selectors.latest_review_year()
    filterset = HouseholdFilter(
        request.GET or None, selectors.household_list_for_user(user), user=user, year=year
    )
    year = filterset.review_year
    try:
        size = int(request.GET.get("size", 25))
    except ValueError:
        size = 25
    size = size if size in PAGE_SIZES else 25
    # Count and slice the plain filtered queryset (indexed), then annotate only the page's rows:
    # a COUNT over the annotated queryset would run the review subqueries for every row.
    page = CappedPaginator(filterset.qs.order_by("code"), size).get_page(request.GET.get("page"))
    ids = list(page.object_list.values_list("pk", flat=True))
    page.object_list = list(
        selectors.household_page_rows(Household.objects.filter(pk__in=ids), year=year).order_by(
            "code"
        )
    )
    shown = identifier_masker(user)
    for household in page:
        household.shown_citizen_id = shown(household, household.head_citizen_id)
    context = {
        "filter": filterset,
        "review_area": filterset.review_area,
        "page": page,
        "year": year,
        "page_sizes": PAGE_SIZES,
        "size": size,
        "can_create": roles.is_area_officer(user),
    }
    return render(request, "households/household_list.html", context)


def _household_form_page(request, household: Household | None) -> HttpResponse:
    user = request.user
    instance = household or Household()
    form = HouseholdForm(request.POST or None, instance=instance, user=user)
    formset = MemberFormSet(request.POST or None, instance=instance, prefix="members")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        rows = formset.member_rows()
        try:
            saved = services.household_save(
                household=form.save(commit=False),
                members=[member for _form, member in rows],
                user=user,
                expected_version=form.cleaned_data.get("version"),
                causes=form.cleaned_data["poverty_causes"],
            )
        except services.MemberRowsError as exc:
            for index, error in exc.rows.items():
                rows[index][0].add_error(None, error)
        except services.ConcurrentEditError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã lưu hộ %(code)s.") % {"code": saved.code})
            return redirect("households:detail", pk=saved.pk)
    context = {"form": form, "formset": formset, "household": household}
    return render(request, "households/household_form.html", context)


@login_required
def household_create(request: HttpRequest) -> HttpResponse:
    if not roles.works_with_areas(request.user):
        raise Http404
    return _household_form_page(request, None)


@login_required
def household_code_suggestion(request: HttpRequest) -> JsonResponse:
    """The next household code of a commune of the officer's area (the new-household form
    asks when the commune changes): {"code": "..."}; 404 outside the area."""
    if not roles.works_with_areas(request.user):
        raise Http404
    pk = request.GET.get("commune", "")
    commune = commune_list_for_user(request.user).filter(pk=pk).first() if pk.isdigit() else None
    if commune is None:
        raise Http404
    return JsonResponse({"code": selectors.household_code_suggest(commune)})


@login_required
def household_edit(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_get_for_edit(request.user, pk=pk)
    return _household_form_page(request, household)


@login_required
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    household = selectors.household_get_for_user(user, pk=pk)
    reviews = list(
        household.reviews.select_related("standard", "entered_by", "approved_by", "area", "round")
        .prefetch_related("reopenings__reopened_by", "standard__indicators")
        .order_by("-year", "-pk")
    )
    movements = selectors.household_movements(household)
    for review in reviews:
        review.unknown_codes = selectors.review_unknown_codes(review)
    chains = area_chains([household.area_path, *(r.area_path for r in reviews)])
    for review in reviews:
        review.filed_under = chains.get(review.area_path or household.area_path, "")
    shown = identifier_masker(user)
    members = list(household.members.all())
    for review in reviews:
        review.low_income_workers = selectors.low_income_worker_names(review, members)
    for member in members:
        member.shown_citizen_id = shown(household, member.citizen_id)
    context = {
        "household": household,
        "unit_chain": chains.get(household.area_path, ""),
        "head_citizen_id": shown(household, household.head_citizen_id),
        "members": members,
        "reviews": [
            (r, _indicator_rows(r), selectors.can_approve(user, r), _movement_of(r, movements))
            for r in reviews
        ],
        "history": selectors.household_history(household),
        "panels": household_panels(request, household),
        "year": selectors.latest_review_year(),
    }
    return render(request, "households/household_detail.html", context)


def _movement_of(review: HouseholdReview, movements: dict) -> dict | None:
    """The derived movement of an approved review that stands for its year, for display."""
    if not review.is_current or review.status != HouseholdReview.Status.APPROVED:
        return None
    previous, move = movements.get(review.year, ("", ""))
    if not move:
        return None
    return {
        "label": Movement(move).label,
        "previous": Classification(previous).label if previous else "",
    }


def _indicator_rows(review: HouseholdReview) -> list[dict]:
    """The review's indicators, those of the standard that classified it."""
    flags = review.column_flags()
    overrides = review.overrides or {}
    return [
        {
            "number": indicator.column,
            "code": indicator.code,
            "name": indicator.name,
            "dimension": indicator.service,
            "deprived": flags[indicator.column],
            "source": review.sources.get(str(indicator.column), ""),
            "reasons": review.reasons.get(str(indicator.column), []),
            "override": _override_shown(overrides.get(str(indicator.column))),
        }
        for indicator in review.standard.indicators.all()
    ]


def _override_shown(override: dict | None) -> dict | None:
    """An override as the page shows it: why, who, and when (a datetime)."""
    if not override:
        return None
    from django.utils.dateparse import parse_datetime

    return {**override, "at": parse_datetime(override.get("at") or "")}


# --- the review form --------------------------------------------------------------------------


def _evaluation_rows(evaluation: rules.Evaluation, indicators) -> list[dict]:
    return [
        {
            "number": i.column,
            "code": i.code,
            "name": i.name,
            "dimension": i.service,
            "deprived": evaluation.deprived.get(i.column, False),
            "source": evaluation.sources.get(i.column, ""),
            "reasons": evaluation.reasons.get(i.column, ()),
            "conflict": i.column in evaluation.conflicts,
        }
        for i in indicators
    ]


def _review_standard(household: Household, year: int):
    """The standard of the year's round (NoStandardError when the year has none)."""
    return services.standard_of(commune=household.commune, year=year)


def _no_standard_page(request: HttpRequest, household: Household, year: int, error):
    context = {"household": household, "year": year, "message": _messages_of(error)[0]}
    return render(request, "households/no_standard.html", context, status=409)


def _current_review(household: Household, year: int) -> HouseholdReview | None:
    return (
        household.reviews.filter(year=year, round__kind="periodic", round__month=0)
        .order_by("-pk")
        .first()
    )


@login_required
def review_edit(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    user = request.user
    household = selectors.household_get_for_user(user, pk=pk)
    # Who reads the area (provincial staff, an approver above it) sees the review read-only;
    # only the area's officers enter it.
    can_enter = roles.can_enter_for(user, household)
    if request.method == "POST" and not can_enter:
        raise PermissionDenied
    review = _current_review(household, year)
    try:
        standard = review.standard if review is not None else _review_standard(household, year)
    except selectors.NoStandardError as error:
        return _no_standard_page(request, household, year, error)
    indicators = selectors.indicator_list(standard)
    form = ReviewForm(
        request.POST or None, initial=ReviewForm.initial_from(review), indicators=indicators
    )
    evaluation = None
    editable = can_enter and (review is None or review.status in ("draft", "returned"))
    if not can_enter:
        for field in form.fields.values():
            field.disabled = True
    if form.is_valid():
        evaluation = _evaluate_or_none(household, year, form, standard=standard)
        save = services.review_save_submit if "submit" in request.POST else services.review_save
        try:
            review = save(
                household=household,
                year=year,
                data=form.review_input(),
                user=user,
                expected_version=form.cleaned_data.get("version"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu phiếu rà soát năm %(year)s.") % {"year": year})
            return redirect("households:detail", pk=household.pk)
    elif review is not None and request.method == "GET":
        evaluation = _evaluate_or_none(household, year, form, initial=True, standard=standard)
    context = {
        "household": household,
        "year": year,
        "review": review,
        "form": form,
        "editable": editable,
        "read_only": not can_enter,
        "locked": services.is_year_locked(commune=household.commune, year=year),
        "evaluation": evaluation,
        "rows": _evaluation_rows(evaluation, indicators) if evaluation else [],
        "standard": standard,
        "indicator_total": len(indicators),
        "provisional": [i for i in indicators if i.provisional],
    }
    return render(request, "households/review_form.html", context)


def _evaluate_or_none(household, year, form, *, standard, initial: bool = False):
    if initial:
        form = ReviewForm(form.initial, indicators=selectors.indicator_list(standard))
        if not form.is_valid():
            return None
    try:
        return services.review_evaluate(
            household=household, year=year, data=form.review_input(), standard=standard
        )
    except (ValueError, ValidationError):
        return None


@login_required
@require_POST
def review_preview(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    household = selectors.household_get_for_edit(request.user, pk=pk)
    review = _current_review(household, year)
    try:
        standard = review.standard if review is not None else _review_standard(household, year)
    except selectors.NoStandardError as error:
        return JsonResponse({"errors": {"__all__": _messages_of(error)}}, status=409)
    indicators = selectors.indicator_list(standard)
    form = ReviewForm(request.POST, indicators=indicators)
    evaluation = (
        _evaluate_or_none(household, year, form, standard=standard) if form.is_valid() else None
    )
    html = render_to_string(
        "households/_review_result.html",
        {
            "evaluation": evaluation,
            "indicator_total": len(indicators),
            "rows": _evaluation_rows(evaluation, indicators) if evaluation else [],
            "errors": form.errors,
        },
        request=request,
    )
    return HttpResponse(html)


@login_required
@require_POST
def review_submit(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.review_get_for_user(request.user, pk=pk)
    try:
        services.review_submit(review=review, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(_messages_of(exc)))
    else:
        messages.success(request, approval_wording_for_review(review).submitted_message)
    return redirect("households:detail", pk=review.household_id)


# --- the district's queue ---------------------------------------------------------------------


QUEUE_PAGE_SIZE = 50
QUEUE_FILTER_KEYS = (
    "commune", "classification", "status", "submitted_from", "submitted_to", "qua_han"
)  # fmt: skip


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """The approver's work list: filters, the review opened in place (`?open=<id>`, also fetched
    by static/js/households.js), and a bulk approve or return of the ticked rows."""
    user = request.user
    form = ReviewQueueFilterForm(_queue_filter_data(request.GET) or None, user=user)
    form.is_valid()
    reviews = selectors.review_queue_for_user(user, **form.filters())
    overdue = request.GET.get("qua_han") == "1"
    if overdue:  # the home page's "M quá hạn" (households.site.todos)
        from households.site.todos import review_overdue_cutoff

        reviews = reviews.filter(submitted_at__lt=review_overdue_cutoff())
    page = Paginator(reviews, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    for review in page:
        review.approvable = selectors.can_approve(user, review)
    opened = request.GET.get("open", "")
    context = {
        "page": page,
        "filter_form": form,
        "can_approve": selectors.can_approve_any(user),
        "any_approvable": any(r.approvable for r in page),
        "back": _queue_back_query(request.GET),
        "opened": _queue_detail(user, int(opened)) if opened.isdigit() else None,
        "overdue": overdue,
    }
    return render(request, "households/review_queue.html", context)


def _queue_filter_data(data) -> dict:
    return {key: data[key] for key in QUEUE_FILTER_KEYS if data.get(key)}


def _queue_back_query(data) -> str:
    """The queue's filters and page as a query string, to come back to the same list."""
    query = QueryDict(mutable=True)
    query.update(_queue_filter_data(data))
    if str(data.get("page", "")).isdigit():
        query["page"] = data["page"]
    return query.urlencode()


def _queue_url(back: str) -> str:
    query = _queue_back_query(QueryDict(back))
    return reverse("households:review-queue") + (f"?{query}" if query else "")


def _queue_detail(user, pk: int) -> dict:
    """What the approver reads before deciding: income against the poverty line, the 12
    indicators with reasons and overrides, the members."""
    review = selectors.review_get_for_user(user, pk=pk)
    household = review.household
    standard = review.standard
    line = standard.urban_poverty_line if review.is_urban else standard.rural_poverty_line
    average = standard.urban_average_line if review.is_urban else standard.rural_average_line
    return {
        "review": review,
        "household": household,
        "approvable": selectors.can_approve(user, review)
        and review.status == HouseholdReview.Status.SUBMITTED,
        "poverty_line": line,
        "average_line": average,
        "below_line": review.income_per_capita <= line,
        "poor_min": standard.poor_min_deprivations,
        "rows": _indicator_rows(review),
        "unknown_codes": [f"CS{n:02d}" for n in services.review_unknown_indicators(review)],
        "members": list(household.members.order_by("left_on", "pk")),
    }


@login_required
def review_queue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One review of the queue: the panel alone for the page's script (`?partial=1`), else the
    queue opened on it."""
    if request.GET.get("partial") == "1":
        context = {"opened": _queue_detail(request.user, pk), "back": request.GET.get("back", "")}
        return render(request, "households/_review_queue_detail.html", context)
    selectors.review_get_for_user(request.user, pk=pk)  # 404 outside the user's area
    back = _queue_back_query(request.GET)
    return redirect(f"{reverse('households:review-queue')}?{back}&open={pk}#review-{pk}")


def _bulk_selection(data) -> tuple[str, list[int]]:
    """("approve" | "return", ids): the ticked rows, or the one review of a panel's button
    ("approve:<id>")."""
    action = data.get("action", "")
    if ":" in action:
        action, _sep, one = action.partition(":")
        return action, [int(one)] if one.isdigit() else []
    return action, [int(pk) for pk in data.getlist("review") if pk.isdigit()]


@login_required
@require_POST
def review_queue_bulk(request: HttpRequest) -> HttpResponse:
    """Approve or return the selected reviews: a confirmation page first (listing them; a return
    needs its reason), then one service call for all of them, all or none."""
    user = request.user
    action, ids = _bulk_selection(request.POST)
    back = _queue_back_query(QueryDict(request.POST.get("back", "")))
    if action not in ("approve", "return") or not ids:
        messages.error(request, _("Hãy chọn ít nhất một phiếu."))
        return redirect(_queue_url(back))
    reviews, refused = selectors.reviews_for_approver(user, review_ids=ids)
    if refused:
        messages.error(
            request, _("Có phiếu không thuộc quyền duyệt của bạn; không phiếu nào được xử lý.")
        )
        return redirect(_queue_url(back))
    form = ReasonForm(request.POST if action == "return" and "confirm" in request.POST else None)
    if "confirm" not in request.POST or (action == "return" and not form.is_valid()):
        context = {"reviews": reviews, "action": action, "back": back, "form": form}
        return render(request, "households/review_queue_confirm.html", context)
    versions = {r.pk: _int_or_none(request.POST.get(f"v-{r.pk}")) for r in reviews}
    try:
        if action == "approve":
            done = services.reviews_approve(review_ids=ids, user=user, versions=versions)
            text = ngettext("Đã duyệt %(n)d phiếu.", "Đã duyệt %(n)d phiếu.", len(done))
        else:
            done = services.reviews_return(
                review_ids=ids, user=user, reason=form.cleaned_data["reason"], versions=versions
            )
            text = ngettext(
                "Đã trả lại %(n)d phiếu cho xã.", "Đã trả lại %(n)d phiếu cho xã.", len(done)
            )
    except ValidationError as exc:
        messages.error(request, " ".join(_messages_of(exc)))
    else:
        messages.success(request, text % {"n": len(done)})
    return redirect(_queue_url(back))


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _approver_review(request, pk: int) -> HouseholdReview:
    review = selectors.review_get_for_user(request.user, pk=pk)
    if not selectors.can_approve(request.user, review):
        raise Http404
    return review


def _back(request, review: HouseholdReview) -> HttpResponse:
    target = request.POST.get("next", "")
    if target == "detail":
        return redirect("households:detail", pk=review.household_id)
    return redirect(reverse("households:review-queue"))


@login_required
@require_POST
def review_approve(request: HttpRequest, pk: int) -> HttpResponse:
    review = _approver_review(request, pk)
    try:
        services.review_approve(review=review, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(_messages_of(exc)))
    else:
        messages.success(
            request, _("Đã duyệt phiếu của hộ %(code)s.") % {"code": review.household.code}
        )
    return _back(request, review)


def _with_reason(request, pk: int, service, done: str) -> HttpResponse:
    review = _approver_review(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Hãy ghi lý do."))
        return _back(request, review)
    try:
        service(review=review, user=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(_messages_of(exc)))
    else:
        messages.success(request, done % {"code": review.household.code})
    return _back(request, review)


@login_required
@require_POST
def review_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _with_reason(request, pk, services.review_return, _("Đã trả lại phiếu của hộ %(code)s."))


@login_required
@require_POST
def review_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _with_reason(request, pk, services.review_reopen, _("Đã mở lại phiếu của hộ %(code)s."))


# --- resident population per commune ------------------------------------------------------------


@login_required
def population(request: HttpRequest) -> HttpResponse:
    from .models import AreaPopulation
    from .organisation.rules import tree_date_for_year
    from .organisation.selectors import valid_on_q

    user = request.user
    raw_year = request.GET.get("year") or request.POST.get("year") or ""
    year = rules.review_year_parse(raw_year) if raw_year else None
    if raw_year and year is None:
        messages.error(
            request,
            _("Năm “%(year)s” không hợp lệ: hãy chọn một năm từ %(first)s đến %(last)s.")
            % {"year": raw_year[:20], "first": rules.REVIEW_YEARS[0], "last": rules.REVIEW_YEARS[-1]},
        )  # fmt: skip
        if request.method == "POST":  # nothing is saved for a year that cannot be
            return redirect("households:population")
    year = year or selectors.latest_review_year() or 2023
    # The communes of that year's tree (2023: Bến Tre's 157; 2026: Vĩnh Long's 124).
    communes = list(
        commune_list_for_user(user)
        .filter(valid_on_q(tree_date_for_year(year)))
        .select_related("parent")
    )
    if not communes:
        raise Http404
    if request.method == "POST":
        area = next((c for c in communes if c.code == request.POST.get("area")), None)
        if area is None:
            raise Http404
        form = PopulationForm(request.POST)
        if form.is_valid():
            try:
                services.population_save(area=area, year=year, user=user, **form.cleaned_data)
            except ValidationError as exc:
                messages.error(request, " ".join(_messages_of(exc)))
            else:
                messages.success(request, _("Đã lưu dân số của %(area)s.") % {"area": area})
        else:
            messages.error(request, _("Số hộ và số nhân khẩu phải là số nguyên không âm."))
        return redirect(f"{reverse('households:population')}?year={year}")
    figures = {p.area_id: p for p in AreaPopulation.objects.filter(area__in=communes, year=year)}
    rows = [(c, figures.get(c.pk)) for c in communes]
    return render(
        request,
        "households/population.html",
        {"rows": rows, "year": year, "members": Member, "has_districts": _has_districts(year)},
    )


# --- locking a year for an area --------------------------------------------------------------


def _has_districts(year: int) -> bool:
    """Whether the tree of `year` has a district level (two-tier years, from 2025: none)."""
    from .organisation.rules import tree_date_for_year
    from .organisation.selectors import tree_has_districts

    return tree_has_districts(tree_date_for_year(year))


def _year_of(request: HttpRequest) -> int:
    """The year asked for when it is a plausible review year, else the latest reviewed."""
    year = rules.review_year_parse(request.GET.get("year") or "")
    return year or selectors.latest_review_year() or 2023


@login_required
def year_locks(request: HttpRequest) -> HttpResponse:
    """Each commune's year: how far its reviews are approved, locked or not, the reopenings."""
    if not commune_list_for_user(request.user).exists():
        raise Http404
    year = _year_of(request)
    communes = selectors.year_lock_communes(request.user, year=year)
    page = Paginator(communes, 50).get_page(request.GET.get("page"))
    rows = selectors.year_lock_rows(request.user, page.object_list, year=year)
    context = {
        "rows": rows,
        "page": page,
        "year": year,
        "form": ReasonForm(),
        "has_districts": _has_districts(year),
    }
    return render(request, "households/year_locks.html", context)


def _lockable_commune(request: HttpRequest, code: str):
    commune = area_get_for_user(request.user, code=code)
    if commune.level != commune.Level.COMMUNE or not selectors.can_lock_year(request.user, commune):
        raise Http404
    return commune


def _lock_action(request: HttpRequest, code: str, year: int, write, done: str) -> HttpResponse:
    """Run a lock service for a commune the user may lock; its refusal or `done` as a message."""
    commune = _lockable_commune(request, code)
    try:
        write(commune)
    except ValidationError as exc:
        messages.error(request, " ".join(_messages_of(exc)))
    else:
        messages.success(request, done % {"year": year, "area": commune})
    number = request.POST.get("page", "")
    page = f"&page={number}" if number.isdigit() else ""  # back to the page the row is on
    return redirect(f"{reverse('households:year-locks')}?year={year}{page}")


@login_required
@require_POST
def year_lock(request: HttpRequest, code: str, year: int) -> HttpResponse:
    return _lock_action(
        request,
        code,
        year,
        lambda commune: services.year_lock(commune=commune, year=year, user=request.user),
        _("Đã khóa số liệu năm %(year)s của %(area)s."),
    )


@login_required
@require_POST
def year_reopen(request: HttpRequest, code: str, year: int) -> HttpResponse:
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""

    def reopen(commune) -> None:
        services.year_reopen(commune=commune, year=year, user=request.user, reason=reason)

    return _lock_action(
        request, code, year, reopen, _("Đã mở lại số liệu năm %(year)s của %(area)s.")
    )
