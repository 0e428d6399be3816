from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from households.organisation import roles
from households.organisation.selectors import (
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
    add_service_errors,
)
from .models import Classification, Household, HouseholdReview, Member, Movement
from .organisation.selectors import area_chains
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
    page = Paginator(filterset.qs.order_by("code"), size).get_page(request.GET.get("page"))
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
        review.unknown_codes = services.review_unknown_codes(review)
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
    household = selectors.household_get_for_edit(user, pk=pk)
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
    editable = review is None or review.status in ("draft", "returned")
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
        messages.success(request, _("Đã gửi phiếu lên huyện."))
    return redirect("households:detail", pk=review.household_id)


# --- the district's queue ---------------------------------------------------------------------


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    reviews = selectors.review_queue_for_user(user)
    overdue = request.GET.get("qua_han") == "1"
    if overdue:  # the home page's "M quá hạn" (households.site.todos)
        from households.site.todos import review_overdue_cutoff

        reviews = reviews.filter(submitted_at__lt=review_overdue_cutoff())
    page = Paginator(reviews, 50).get_page(request.GET.get("page"))
    for review in page:
        review.approvable = selectors.can_approve(user, review)
    context = {
        "page": page,
        "can_approve": selectors.can_approve_any(user),
        "form": ReasonForm(),
        "overdue": overdue,
    }
    return render(request, "households/review_queue.html", context)


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
        request, "households/population.html", {"rows": rows, "year": year, "members": Member}
    )


# --- locking a year for an area --------------------------------------------------------------


def _year_of(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year") or 0)
    except ValueError:
        year = 0
    return year or selectors.latest_review_year() or 2023


@login_required
def year_locks(request: HttpRequest) -> HttpResponse:
    """Each commune's year: how far its reviews are approved, locked or not, the reopenings."""
    if not commune_list_for_user(request.user).exists():
        raise Http404
    year = _year_of(request)
    communes = selectors.year_lock_communes(request.user)
    page = Paginator(communes, 50).get_page(request.GET.get("page"))
    rows = selectors.year_lock_rows(request.user, page.object_list, year=year)
    context = {"rows": rows, "page": page, "year": year, "form": ReasonForm()}
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
