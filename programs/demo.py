"""Demo support records for a share of the demo households (never for production)."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model

from households.models import Household, HouseholdReview

from .models import Programme, SupportRecord
from .services import support_bulk_create


def demo_support_create() -> str:
    if not Household.objects.exists():
        return "không có hộ, bỏ qua"
    if SupportRecord.objects.exists():
        return "đã có dữ liệu, bỏ qua"
    year = HouseholdReview.objects.order_by("-year").values_list("year", flat=True).first()
    if year is None:
        return "không có phiếu rà soát, bỏ qua"
    listed = Household.objects.filter(
        reviews__year=year,
        reviews__is_current=True,
        reviews__classification__in=["poor", "near_poor"],
    ).order_by("pk")
    # Written as the demo province user (households.demo), so the history names somebody.
    user = get_user_model().objects.filter(username="province").first()
    if user is None:
        return "không có tài khoản province, bỏ qua"
    ids = list(listed.values_list("pk", flat=True))
    half = Household.objects.filter(pk__in=ids[::2])
    created = 0
    plan = (
        ("BHYT", half, date(year, 1, 15), date(year, 12, 31), None),
        (
            "NHCSXH",
            half.filter(wants_loan=True),
            date(year, 3, 1),
            date(year + 3, 3, 1),
            50_000_000,
        ),
        ("NUOCSACH", Household.objects.filter(pk__in=ids[::5]), date(year, 6, 1), None, 3_000_000),
    )
    for code, households, on, until, amount in plan:
        programme = Programme.objects.filter(code=code).first()
        if programme is None:
            continue
        result = support_bulk_create(
            households=households,
            programme=programme,
            on=on,
            valid_until=until,
            amount=amount,
            quantity=None,
            note="Dữ liệu minh họa",
            user=user,
        )
        created += result.created
    return f"{created} hỗ trợ minh họa"
