"""Papers: each a printable page and a PDF (`fmt="pdf"`), area-scoped through the selectors."""

from __future__ import annotations

import io
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
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


@login_required
def household_certificate(request: HttpRequest, pk: int, year: int, fmt: str = "") -> HttpResponse:
    household = selectors.household_for_paper(request.user, pk=pk)
    review = selectors.household_review_of_year(household, _year(year))
    if review is None or review.status != review.Status.APPROVED:
        raise Http404
    if review.classification not in selectors.CERTIFIED:
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
