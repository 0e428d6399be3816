"""Papers: each a printable page and a PDF (`fmt="pdf"`), area-scoped through the selectors."""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from households.models import Area, Classification
from households.organisation.selectors import area_get_for_user

from . import selectors
from .render import chunk_size, paper_response, papers_pdf, vnd


def _year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise Http404
    return year


def _pdf_url(request: HttpRequest, name: str, **kwargs: Any) -> str:
    return reverse(f"{name}-pdf", kwargs=kwargs)


def decision_of(area: Area, year: int) -> dict[str, Any]:
    """The recognition decision printed on certificates (empty until one is recorded)."""
    from households.procedure.selectors import recognition_for_paper

    return recognition_for_paper(area=area, year=year)


def certificate_context(area: Area, year: int, reviews: list[Any]) -> dict[str, Any]:
    commune = area.parent if area.level == Area.Level.HAMLET and area.parent else area
    return {
        "title": f"Giấy chứng nhận hộ nghèo, hộ cận nghèo năm {year} – {area.name}",
        "unit": selectors.paper_unit(area),
        "year": year,
        "reviews": reviews,
        "decision": decision_of(commune, year),
    }


def recognised_review_ids(area: Area, year: int) -> set[int] | None:
    from households.procedure.selectors import recognition_review_ids

    commune = area.parent if area.level == Area.Level.HAMLET and area.parent else area
    return recognition_review_ids(area=commune, year=year)


@login_required
def household_certificate(request: HttpRequest, pk: int, year: int, fmt: str = "") -> HttpResponse:
    household = selectors.household_for_paper(request.user, pk=pk)
    review = selectors.household_review_of_year(household, _year(year))
    if review is None or review.status != review.Status.APPROVED:
        raise Http404
    if review.classification not in selectors.CERTIFIED:
        raise Http404
    recognised = recognised_review_ids(review.area or household.commune, year)
    if recognised is not None and review.pk not in recognised:
        raise Http404
    reviews = selectors.reviews_with_members([review.pk])
    # The paper of the unit the review was made in (a household may have moved on since).
    context = certificate_context(review.area or household.commune, year, reviews)
    context["pdf_url"] = _pdf_url(request, "households:paper-certificate", pk=pk, year=year)
    return paper_response(
        "households/papers/certificates.html",
        context,
        pdf=fmt == "pdf",
        filename=f"giay-chung-nhan-{household.code}-{year}",
    )


@login_required
def area_certificates(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """All certificates of a commune or hamlet in one PDF; a long list goes to a job."""
    area = area_get_for_user(request.user, code=code)
    if area.level not in (Area.Level.COMMUNE, Area.Level.HAMLET):
        raise Http404
    ids = selectors.certified_review_ids(request.user, area=area, year=_year(year))
    recognised = recognised_review_ids(area, year)
    if recognised is not None:  # once recognised, the decision's lists say who is certified
        ids = [pk for pk in ids if pk in recognised]
    if len(ids) > settings.PAPER_DIRECT_MAX:  # hundreds of pages: a background job
        from .jobs import paper_job_start

        job = paper_job_start(user=request.user, area=area, year=year, review_ids=ids)
        return redirect("households:paper-job", pk=job.pk)
    out = io.BytesIO()
    papers_pdf(
        "households/papers/certificates.html",
        lambda batch: certificate_context(area, year, selectors.reviews_with_members(batch)),
        selectors.iter_batches(ids, chunk_size()),
        out,
    )
    response = HttpResponse(out.getvalue(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="giay-chung-nhan-{code}-{year}.pdf"'
    return response


def posting_context(area: Area, year: int, rows: list[dict[str, Any]], posting: Any) -> dict:
    for row in rows:
        row["income_text"] = vnd(row.get("income"))
    counts = {
        "poor": sum(1 for r in rows if r["classification"] == Classification.POOR),
        "near_poor": sum(1 for r in rows if r["classification"] == Classification.NEAR_POOR),
        "members": sum(r["members"] for r in rows),
    }
    return {
        "title": f"Danh sách niêm yết năm {year} – {area.name}",
        "unit": selectors.paper_unit(area),
        "year": year,
        "rows": rows,
        "counts": counts,
        "posting": posting,
    }


@login_required
def posting_list(request: HttpRequest, code: str, year: int, fmt: str = "") -> HttpResponse:
    """The posting list of a hamlet or commune: as posted (its stored snapshot) once a posting
    is recorded, else the current preliminary list."""
    from households.procedure.selectors import posting_for_paper

    area = area_get_for_user(request.user, code=code)
    if area.level not in (Area.Level.COMMUNE, Area.Level.HAMLET):
        raise Http404
    posting, rows = posting_for_paper(area=area, year=_year(year))
    if posting is None:
        rows = selectors.posting_rows(selectors.posting_reviews(request.user, area=area, year=year))
    context = posting_context(area, year, rows, posting)
    context["pdf_url"] = _pdf_url(request, "households:paper-posting", code=code, year=year)
    return paper_response(
        "households/papers/posting_list.html",
        context,
        pdf=fmt == "pdf",
        filename=f"danh-sach-niem-yet-{code}-{year}",
    )


# --- Phiếu A and Phiếu B, filled in and blank -------------------------------------------------

# Phiếu A's quick-screen items (Circular 07/2021/TT-BLĐTBXH, Appendix II) [verify the wording].
PHIEU_A_ITEMS = (
    "Có thành viên là cán bộ, công chức, viên chức hoặc người hưởng lương thường xuyên",
    "Có thành viên hưởng lương hưu hoặc trợ cấp thường xuyên cao hơn chuẩn nghèo",
    "Có ô tô, tàu, thuyền, máy móc phục vụ sản xuất có giá trị lớn",
    "Có nhà ở kiên cố, diện tích bình quân lớn, hoặc nhà cho thuê",
    "Có hoạt động kinh doanh, dịch vụ thường xuyên có thuê lao động",
    "Có đất sản xuất hoặc tài sản cho thuê, thu nhập ổn định cao",
)


def _indicators(review: Any) -> list[tuple[str, str, bool]]:
    from households.models.reviews import INDICATOR_NAMES

    flags = review.deprivation_flags() if review else {}
    return [(f"CS{n:02d}", str(name), bool(flags.get(n))) for n, name in INDICATOR_NAMES.items()]


def _form_context(household: Any, year: int, review: Any) -> dict[str, Any]:
    area = (review.area if review and review.area else None) or household.commune
    return {
        "unit": selectors.paper_unit(area),
        "year": year,
        "household": household,
        "review": review,
        "members": selectors.household_current_members(household),
        "blank_rows": [],
        "income": vnd(review.income_per_capita) if review else "",
        "indicators": _indicators(review),
        "items": PHIEU_A_ITEMS,
    }


@login_required
def household_form_paper(
    request: HttpRequest, pk: int, year: int, form: str, fmt: str = ""
) -> HttpResponse:
    """Phiếu A or Phiếu B of a household, filled in from its record and its review of `year`."""
    if form not in ("a", "b"):
        raise Http404
    household = selectors.household_for_paper(request.user, pk=pk)
    review = selectors.household_review_of_year(household, _year(year))
    context = _form_context(household, year, review)
    context["title"] = f"Phiếu {form.upper()} – {household.head_name}"
    context["pdf_url"] = reverse(
        "households:paper-form-pdf", kwargs={"pk": pk, "year": year, "form": form}
    )
    return paper_response(
        f"households/papers/phieu_{form}.html",
        context,
        pdf=fmt == "pdf",
        filename=f"phieu-{form}-{household.code}-{year}",
    )


@login_required
def blank_form_paper(
    request: HttpRequest, code: str, year: int, form: str, fmt: str = ""
) -> HttpResponse:
    """A blank Phiếu A or B of a commune, for field work."""
    if form not in ("a", "b"):
        raise Http404
    area = area_get_for_user(request.user, code=code)
    context = {
        "title": f"Phiếu {form.upper()} (mẫu trắng)",
        "unit": selectors.paper_unit(area),
        "year": _year(year),
        "household": None,
        "review": None,
        "members": [],
        "blank_rows": range(8),
        "income": "",
        "indicators": _indicators(None),
        "items": PHIEU_A_ITEMS,
        "pdf_url": reverse(
            "households:paper-blank-form-pdf", kwargs={"code": code, "year": year, "form": form}
        ),
    }
    return paper_response(
        f"households/papers/phieu_{form}.html",
        context,
        pdf=fmt == "pdf",
        filename=f"phieu-{form}-trang-{code}-{year}",
    )


# --- the procedure's papers: minutes, complaint record, decision, report -----------------------


def _share_text(agreeing: int, attendees: int) -> str:
    if not attendees:
        return ""
    return f"{agreeing * 100 / attendees:.1f}%".replace(".", ",")


@login_required
def meeting_minutes(request: HttpRequest, code: str, year: int, fmt: str = "") -> HttpResponse:
    """The hamlet meeting's minutes, from the rows stored when the meeting was recorded."""
    from households.procedure.selectors import calendar_for, meeting_for_paper

    hamlet = area_get_for_user(request.user, code=code)
    meeting = meeting_for_paper(hamlet=hamlet, year=_year(year))
    if meeting is None:
        raise Http404
    rows = [dict(r) for r in meeting.snapshot]
    for row in rows:
        row["share_text"] = _share_text(row["agreeing"], len(meeting.attendees))
    context = {
        "title": f"Biên bản họp dân – {hamlet.name}",
        "unit": selectors.paper_unit(hamlet),
        "year": year,
        "meeting": meeting,
        "attendees": meeting.attendees,
        "rows": rows,
        "kept": sum(1 for r in rows if r["kept"]),
        "share_percent": calendar_for(year).meeting_share_percent,
        "pdf_url": _pdf_url(request, "households:paper-minutes", code=code, year=year),
    }
    return paper_response(
        "households/papers/meeting_minutes.html",
        context,
        pdf=fmt == "pdf",
        filename=f"bien-ban-hop-{code}-{year}",
    )


@login_required
def complaint_record(request: HttpRequest, pk: int, fmt: str = "") -> HttpResponse:
    from households.procedure.selectors import complaint_get

    complaint = complaint_get(pk=pk)
    if complaint is None:
        raise Http404
    # The household's own scoped lookup: 404 outside the user's area.
    selectors.household_for_paper(request.user, pk=complaint.review.household_id)
    context = {
        "title": "Biên bản giải quyết khiếu nại",
        "unit": selectors.paper_unit(complaint.round.area),
        "year": complaint.round.year,
        "complaint": complaint,
        "income_before": vnd(complaint.income_before),
        "income_after": vnd(complaint.income_after),
        "pdf_url": reverse("households:paper-complaint-pdf", kwargs={"pk": pk}),
    }
    return paper_response(
        "households/papers/complaint_record.html",
        context,
        pdf=fmt == "pdf",
        filename=f"khieu-nai-{pk}",
    )


@login_required
def recognition_decision(request: HttpRequest, code: str, year: int, fmt: str = "") -> HttpResponse:
    """The recognition decision with its annexed lists, as decided (its stored rows)."""
    from households.models import Recognition
    from households.procedure.selectors import round_get

    commune = area_get_for_user(request.user, code=code)
    round_ = round_get(commune=commune, year=_year(year))
    decision = Recognition.objects.filter(round=round_).first() if round_ else None
    if decision is None:
        raise Http404
    rows = decision.snapshot
    poor = [r for r in rows if r["classification"] == Classification.POOR]
    near = [r for r in rows if r["classification"] == Classification.NEAR_POOR]
    unit = selectors.paper_unit(commune)
    issuer = commune
    if decision.level == "district" and commune.parent is not None:
        issuer = commune.parent
        unit = {**unit, "authority": selectors.authority_name(issuer)}
    context = {
        "title": f"Quyết định {decision.number}",
        "unit": unit,
        "year": year,
        "decision": decision,
        "decision_unit": issuer.name,
        "commune_name": commune.name,
        "poor": poor,
        "near_poor": near,
        "annexes": [
            (f"Danh sách hộ nghèo năm {year}", poor),
            (f"Danh sách hộ cận nghèo năm {year}", near),
        ],
        "pdf_url": _pdf_url(request, "households:paper-decision", code=code, year=year),
    }
    return paper_response(
        "households/papers/decision.html",
        context,
        pdf=fmt == "pdf",
        filename=f"quyet-dinh-{code}-{year}",
    )


@login_required
def round_report(request: HttpRequest, code: str, year: int, fmt: str = "") -> HttpResponse:
    """The commune's report up (the periodic round's results; a month's regular review with
    ?thang=N)."""
    from households.models import Recognition
    from households.procedure.selectors import report_lines, round_get

    commune = area_get_for_user(request.user, code=code)
    try:
        month = int(request.GET.get("thang") or 0)
    except ValueError:
        month = 0
    month = month if 1 <= month <= 12 else 0
    round_ = round_get(commune=commune, year=_year(year))
    from households.organisation.selectors import organisation_header

    context = {
        "title": f"Báo cáo kết quả rà soát {year} – {commune.name}",
        "unit": selectors.paper_unit(commune),
        "year": year,
        "month": month,
        "lines": report_lines(commune=commune, year=year, month=month),
        "recognition": Recognition.objects.filter(round=round_).first() if round_ else None,
        "lead": organisation_header().get("lead", ""),
        "report_date": None,
        "pdf_url": _pdf_url(request, "households:paper-report", code=code, year=year),
    }
    return paper_response(
        "households/papers/monthly_report.html",
        context,
        pdf=fmt == "pdf",
        filename=f"bao-cao-{code}-{year}{f'-{month:02d}' if month else ''}",
    )


# --- the background job of a long batch ------------------------------------------------------


def _paper_job_for(request: HttpRequest, pk: int) -> Any:
    from households.models import PaperJob

    return get_object_or_404(PaperJob, pk=pk, user=request.user)  # the owner's only


@login_required
def paper_job(request: HttpRequest, pk: int) -> HttpResponse:
    from .jobs import paper_progress

    job = _paper_job_for(request, pk)
    context = {"job": job, "progress": paper_progress(job)}
    return render(request, "households/papers/job.html", context)


@login_required
def paper_job_status(request: HttpRequest, pk: int) -> HttpResponse:
    from django.http import JsonResponse

    from .jobs import paper_progress

    return JsonResponse(paper_progress(_paper_job_for(request, pk)))


@login_required
def paper_job_download(request: HttpRequest, pk: int) -> HttpResponse:
    import os

    from django.http import FileResponse

    job = _paper_job_for(request, pk)
    if job.status != job.Status.DONE or not os.path.exists(job.file_path):
        raise Http404
    return FileResponse(
        open(job.file_path, "rb"),
        as_attachment=True,
        filename=job.filename,
        content_type="application/pdf",
    )
