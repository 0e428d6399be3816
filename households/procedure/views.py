"""The periodic round as its steps: the round page of a commune and one POST per step."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from households.models import Area, Complaint, HouseholdReview
from households.organisation.selectors import area_get_for_user, today
from households.rules import parse_vietnamese_integer
from households.selectors import approves_area, review_get_for_user

from . import rules, selectors, services


def _commune(request: HttpRequest, code: str) -> Area:
    area = area_get_for_user(request.user, code=code)
    if area.level != Area.Level.COMMUNE:
        raise Http404
    return area


def _round(commune: Area, year: int):
    from households.services import review_round_get_or_create

    if not 2000 <= year <= 2100:
        raise Http404
    return review_round_get_or_create(commune=commune, year=year)


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _back(code: str, year: int) -> HttpResponse:
    return redirect(reverse("households:round", kwargs={"code": code, "year": year}))


def _run(request: HttpRequest, write, done: str) -> None:
    try:
        write()
    except ValidationError as exc:
        messages.error(request, " ".join(str(m) for m in exc.messages))
    else:
        messages.success(request, done)


@login_required
def round_page(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Where each hamlet of the commune stands, what is late, and each step's form and paper."""
    commune = _commune(request, code)
    round_ = _round(commune, year)
    state = selectors.round_state(round_, today=today())
    hamlets = state["hamlets"]
    for row in hamlets:
        row["reviews_list"] = list(selectors.hamlet_reviews(round_, row["hamlet"]))
    context = {
        "commune": commune,
        "round": round_,
        "year": year,
        "state": state,
        "step_names": selectors.STEP_NAMES,
        "steps": rules.STEPS,
        "may_recognise": approves_area(request.user, commune.path),
        "today": today(),
    }
    return render(request, "households/procedure/round.html", context)


@login_required
@require_POST
def meeting_create(request: HttpRequest, code: str, year: int, hamlet: str) -> HttpResponse:
    commune = _commune(request, code)
    area = area_get_for_user(request.user, code=hamlet)
    if area.parent_id != commune.pk:
        raise Http404
    round_ = _round(commune, year)

    def write() -> None:
        held_on = _date(request.POST.get("held_on"))
        if held_on is None:
            raise ValidationError(_("Hãy nhập ngày họp (ngày/tháng/năm)."))
        services.meeting_record(
            round_=round_, hamlet=area, held_on=held_on,
            chair=request.POST.get("chair", ""), secretary=request.POST.get("secretary", ""),
            attendees=request.POST.get("attendees", "").splitlines(),
            agreeing=services.meeting_agreeing_from(request.POST), user=request.user,
        )  # fmt: skip

    _run(request, write, _("Đã ghi biên bản họp dân của %(h)s.") % {"h": area.name})
    return _back(code, year)


@login_required
@require_POST
def posting_create(request: HttpRequest, code: str, year: int, hamlet: str) -> HttpResponse:
    commune = _commune(request, code)
    area = area_get_for_user(request.user, code=hamlet)
    if area.parent_id != commune.pk:
        raise Http404
    round_ = _round(commune, year)

    def write() -> None:
        start, end = _date(request.POST.get("start")), _date(request.POST.get("end"))
        if start is None or end is None:
            raise ValidationError(_("Hãy nhập ngày bắt đầu và ngày kết thúc niêm yết."))
        services.posting_record(
            round_=round_, hamlet=area, start=start, end=end, user=request.user,
            place=request.POST.get("place", ""),
        )  # fmt: skip

    _run(request, write, _("Đã ghi niêm yết danh sách của %(h)s.") % {"h": area.name})
    return _back(code, year)


@login_required
@require_POST
def complaint_create(request: HttpRequest, pk: int) -> HttpResponse:
    review = review_get_for_user(request.user, pk=pk)

    def write() -> None:
        received = _date(request.POST.get("received_on"))
        if received is None:
            raise ValidationError(_("Hãy nhập ngày nhận khiếu nại."))
        services.complaint_record(
            round_=review.round, review=review, received_on=received,
            complainant=request.POST.get("complainant", ""),
            content=request.POST.get("content", ""), user=request.user,
        )  # fmt: skip

    _run(request, write, _("Đã ghi khiếu nại."))
    return _back(review.round.area.code, review.round.year)


@login_required
@require_POST
def complaint_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = Complaint.objects.select_related("review", "round__area").filter(pk=pk).first()
    if complaint is None:
        raise Http404
    review: HouseholdReview = review_get_for_user(request.user, pk=complaint.review_id)

    def write() -> None:
        resolved = _date(request.POST.get("resolved_on"))
        if resolved is None:
            raise ValidationError(_("Hãy nhập ngày giải quyết."))
        data = None
        if request.POST.get("outcome") == Complaint.Outcome.CHANGED:
            income = parse_vietnamese_integer(request.POST.get("income", ""))
            if income is None or income < 0:
                raise ValidationError(_("Thu nhập phúc tra phải là số nguyên đồng."))
            data = services.recheck_input(review, income=income)
        services.complaint_resolve(
            complaint=complaint, resolved_on=resolved, note=request.POST.get("note", ""),
            user=request.user, data=data,
        )  # fmt: skip

    _run(request, write, _("Đã ghi kết quả giải quyết khiếu nại."))
    return _back(complaint.round.area.code, complaint.round.year)


@login_required
@require_POST
def complaints_close(request: HttpRequest, code: str, year: int, hamlet: str) -> HttpResponse:
    commune = _commune(request, code)
    area = area_get_for_user(request.user, code=hamlet)
    if area.parent_id != commune.pk:
        raise Http404
    round_ = _round(commune, year)

    def write() -> None:
        on = _date(request.POST.get("on")) or today()
        services.complaints_close(round_=round_, hamlet=area, on=on, user=request.user)

    _run(request, write, _("Đã hoàn thành bước giải quyết khiếu nại của %(h)s.") % {"h": area.name})
    return _back(code, year)


@login_required
@require_POST
def recognition_create(request: HttpRequest, code: str, year: int) -> HttpResponse:
    commune = _commune(request, code)
    round_ = _round(commune, year)

    def write() -> None:
        decided = _date(request.POST.get("decided_on"))
        if decided is None:
            raise ValidationError(_("Hãy nhập ngày quyết định."))
        services.recognition_record(
            round_=round_, number=request.POST.get("number", ""), decided_on=decided,
            signer_name=request.POST.get("signer_name", ""), user=request.user,
        )  # fmt: skip

    _run(request, write, _("Đã ghi quyết định công nhận."))
    return _back(code, year)


@login_required
@require_POST
def step_close(request: HttpRequest, code: str, year: int, step: str) -> HttpResponse:
    commune = _commune(request, code)
    round_ = _round(commune, year)

    def write() -> None:
        on = _date(request.POST.get("on")) or today()
        services.commune_step_close(round_=round_, step=step, on=on, user=request.user)

    _run(request, write, _("Đã hoàn thành bước."))
    return _back(code, year)
