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
from households.organisation.selectors import commune_list_for_user, identifier_masker

from . import rules, selectors, services
from .filters import INDICATOR_NAMES, HouseholdFilter
from .forms import (
    HouseholdForm,
    MemberFormSet,
    PopulationForm,
    ReasonForm,
    ReviewForm,
    add_service_errors,
)
from .models import Classification, Household, HouseholdReview, Member, Movement
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
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filterset,
        "page": page,
        "year": year,
        "query": query.urlencode(),
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
def household_edit(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_get_for_edit(request.user, pk=pk)
    return _household_form_page(request, household)


@login_required
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    household = selectors.household_get_for_user(user, pk=pk)
    reviews = list(
        household.reviews.select_related("standard", "entered_by", "approved_by")
        .prefetch_related("reopenings__reopened_by")
        .order_by("-year", "-pk")
    )
    movements = selectors.household_movements(household)
    shown = identifier_masker(user)
    members = list(household.members.all())
    for member in members:
        member.shown_citizen_id = shown(household, member.citizen_id)
    context = {
        "household": household,
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
    flags = review.deprivation_flags()
    return [
        {
            "number": n,
            "name": name,
            "deprived": flags[n],
            "source": review.sources.get(str(n), ""),
            "reasons": review.reasons.get(str(n), []),
        }
        for n, name in INDICATOR_NAMES.items()
    ]


# --- the review form --------------------------------------------------------------------------


def _evaluation_rows(evaluation: rules.Evaluation) -> list[dict]:
    return [
        {
            "number": n,
            "name": name,
            "deprived": evaluation.deprived[n],
            "source": evaluation.sources[n],
            "reasons": evaluation.reasons.get(n, ()),
            "conflict": n in evaluation.conflicts,
        }
        for n, name in INDICATOR_NAMES.items()
    ]


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
    form = ReviewForm(request.POST or None, initial=ReviewForm.initial_from(review))
    evaluation = None
    editable = review is None or review.status in ("draft", "returned")
    if form.is_valid():
        evaluation = _evaluate_or_none(household, year, form)
        save = services.review_save_submit if "submit" in request.POST else services.review_save
        try:
            review = save(
                household=household,
                year=year,
                data=form.review_input(),
                user=user,
                confirm_conflicts=form.cleaned_data["confirm_conflicts"],
                expected_version=form.cleaned_data.get("version"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu phiếu rà soát năm %(year)s.") % {"year": year})
            return redirect("households:detail", pk=household.pk)
    elif review is not None and request.method == "GET":
        evaluation = _evaluate_or_none(household, year, form, initial=True)
    context = {
        "household": household,
        "year": year,
        "review": review,
        "form": form,
        "editable": editable,
        "locked": services.is_year_locked(commune=household.commune, year=year),
        "evaluation": evaluation,
        "rows": _evaluation_rows(evaluation) if evaluation else [],
    }
    return render(request, "households/review_form.html", context)


def _evaluate_or_none(household, year, form, *, initial: bool = False):
    if initial:
        form = ReviewForm(form.initial)
        if not form.is_valid():
            return None
    try:
        return services.review_evaluate(household=household, year=year, data=form.review_input())
    except (ValueError, ValidationError):
        return None


@login_required
@require_POST
def review_preview(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    household = selectors.household_get_for_edit(request.user, pk=pk)
    form = ReviewForm(request.POST)
    evaluation = _evaluate_or_none(household, year, form) if form.is_valid() else None
    html = render_to_string(
        "households/_review_result.html",
        {
            "evaluation": evaluation,
            "rows": _evaluation_rows(evaluation) if evaluation else [],
            "errors": form.errors,
        },
        request=request,
    )
    if request.headers.get("Accept", "").startswith("application/json"):
        payload = {"html": html, "errors": form.errors}
        if evaluation is not None:
            payload |= {
                "classification": evaluation.classification,
                "count": evaluation.count,
                "conflicts": list(evaluation.conflicts),
            }
        return JsonResponse(payload)
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
    page = Paginator(reviews, 50).get_page(request.GET.get("page"))
    for review in page:
        review.approvable = selectors.can_approve(user, review)
    context = {"page": page, "can_approve": selectors.can_approve_any(user), "form": ReasonForm()}
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

    user = request.user
    communes = list(commune_list_for_user(user).select_related("parent"))
    if not communes:
        raise Http404
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or 0)
    except ValueError:
        year = 0
    year = year or selectors.latest_review_year() or 2023
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
