"""Reads behind the papers: the same scoped selectors as the pages, shaped for printing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from households.models import Area, Classification, Household, HouseholdReview, Member
from households.organisation.selectors import organisation_header, scoped
from households.types import AnyUser

# Who a certificate is for: the two classes of Decree 07/2021 that get one.
CERTIFIED = (Classification.POOR, Classification.NEAR_POOR)


def authority_name(area: Area | None) -> str:
    """The issuing body above a paper's title: "UBND XÃ AN ĐỨC" (the unit's name from data)."""
    if area is None:
        return ""
    return f"UBND {area.name.upper()}"


def paper_unit(area: Area, *, on: date | None = None) -> dict[str, str]:
    """Names printed on a paper of `area` (a commune or hamlet): the issuing commune, the
    province above it, the place name for the date line."""
    commune = area.parent if area.level == Area.Level.HAMLET and area.parent else area
    header = organisation_header(on)
    province = header.get("province", "")
    place = commune.name
    for prefix in ("Xã ", "Phường ", "Thị trấn ", "xã ", "phường ", "thị trấn "):
        place = place.removeprefix(prefix)
    return {
        "authority": authority_name(commune),
        "commune": commune.name,
        "province": province,
        "province_authority": f"UBND {province.upper()}" if province else "",
        "place": place,
        "area": area.name,
    }


def _members() -> Prefetch:
    return Prefetch(
        "household__members",
        queryset=Member.objects.filter(left_on__isnull=True).order_by("pk"),
        to_attr="current_members",
    )


def certified_reviews(user: AnyUser, *, area: Area, year: int) -> QuerySet[HouseholdReview]:
    """The approved, current poor and near-poor reviews of `year` in `area` (a commune or a
    hamlet) the user may see, in print order (hamlet, head's name), members prefetched."""
    field = "household__hamlet" if area.level == Area.Level.HAMLET else "area"
    return (
        scoped(user, HouseholdReview.objects.all(), "household__area_path")
        .filter(
            Q(**{field: area}),
            year=year,
            is_current=True,
            status=HouseholdReview.Status.APPROVED,
            classification__in=CERTIFIED,
        )
        .select_related("household__hamlet", "household__commune", "round")
        .order_by("household__hamlet__name", "household__head_name", "household__code")
    )


def certified_review_ids(user: AnyUser, *, area: Area, year: int) -> list[int]:
    return list(certified_reviews(user, area=area, year=year).values_list("pk", flat=True))


def reviews_with_members(ids: list[int]) -> list[HouseholdReview]:
    """The reviews `ids` (one batch of a paper), members prefetched, in the order given."""
    found = {
        r.pk: r
        for r in HouseholdReview.objects.filter(pk__in=ids)
        .select_related("household__hamlet", "household__commune", "round")
        .prefetch_related(_members())
    }
    return [found[pk] for pk in ids if pk in found]


def posting_reviews(user: AnyUser, *, area: Area, year: int) -> QuerySet[HouseholdReview]:
    """The preliminary list of a hamlet or commune: its current reviews of `year` classed poor or
    near-poor, whatever their approval state (the list is posted before recognition)."""
    field = "household__hamlet" if area.level == Area.Level.HAMLET else "area"
    return (
        scoped(user, HouseholdReview.objects.all(), "household__area_path")
        .filter(Q(**{field: area}), year=year, is_current=True, classification__in=CERTIFIED)
        .select_related("household__hamlet")
        .order_by("household__hamlet__name", "classification", "household__head_name")
    )


def posting_rows(reviews: QuerySet[HouseholdReview]) -> list[dict[str, Any]]:
    """One plain row per household of a posting list (also what a posting's snapshot stores)."""
    return [
        {
            "review": r.pk,
            "code": r.household.code,
            "head_name": r.household.head_name,
            "hamlet": r.household.hamlet.name if r.household.hamlet else "",
            "address": r.household.address,
            "members": r.member_count,
            "classification": r.classification,
            "classification_label": r.get_classification_display(),
            "deprivations": r.deprivation_count,
            "income": r.income_per_capita,
        }
        for r in reviews
    ]


def household_for_paper(user: AnyUser, *, pk: int) -> Household:
    from households.selectors import household_get_for_user

    return household_get_for_user(user, pk=pk)


def household_review_of_year(household: Household, year: int) -> HouseholdReview | None:
    return (
        HouseholdReview.objects.filter(household=household, year=year, is_current=True)
        .select_related("round", "standard")
        .first()
    )


def household_current_members(household: Household) -> list[Member]:
    return list(household.members.filter(left_on__isnull=True).order_by("pk"))


def iter_batches(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
