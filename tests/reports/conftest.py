"""A small province: ten households in three communes of two districts, reviews 2022 and 2023.

Xã An Đức (29173) and Xã Tân Mỹ (29113) are in Ba Tri (836); Xã Phú Khánh (29185) in Thạnh Phú
(837). Resident households (AreaPopulation) 100, 50 and 80 in both years.
"""

from __future__ import annotations

import datetime as dt

import pytest

from households.models import (
    Area,
    AreaPopulation,
    Household,
    HouseholdReview,
    PovertyStandard,
    ReviewRound,
)

AN_DUC, TAN_MY, PHU_KHANH = "29173", "29113", "29185"
POPULATION = {AN_DUC: (100, 400), TAN_MY: (50, 200), PHU_KHANH: (80, 320)}

# code, commune, 2022 class, 2023 class, 2023 movement (derived by the rebuild from the two
# classes: H7 becomes re-impoverished only with a poor year before 2022), 2023 deprivations,
# members, flags, status
HOUSEHOLDS = [
    ("H1", AN_DUC, "poor", "poor", "stayed_poor", (4, 7, 9), 4, {"is_meritorious": True}, "approved"),
    ("H2", AN_DUC, "poor", "near_poor", "poor_to_near_poor", (4,), 3, {}, "approved"),
    ("H3", AN_DUC, "poor", "average", "escaped", (), 2, {}, "approved"),
    ("H4", AN_DUC, "average", "poor", "newly_poor", (1, 4, 11), 5, {"is_ethnic_minority": True}, "approved"),
    ("H5", AN_DUC, "near_poor", "near_poor", "stayed_near_poor", (9,), 3, {}, "approved"),
    ("H6", AN_DUC, "above", "poor", "newly_poor", (1, 2, 3), 3, {}, "submitted"),
    ("H7", TAN_MY, "near_poor", "poor", "newly_poor", (2, 4, 10), 6, {"no_labour_capacity": True}, "approved"),
    ("H8", TAN_MY, "above", "near_poor", "newly_near_poor", (), 2, {}, "approved"),
    ("H9", PHU_KHANH, "poor", "poor", "stayed_poor", (4, 5, 12), 4, {}, "approved"),
    ("H10", PHU_KHANH, "near_poor", "above", "escaped_near_poor", (), 3, {}, "approved"),
]  # fmt: skip


def make_review(household, year, classification, *, status="approved", deprivations=(),
                members=3):  # fmt: skip
    commune = household.commune
    round_, _ = ReviewRound.objects.get_or_create(
        area=commune, year=year, kind="periodic", month=0,
        defaults={"reference_date": dt.date(year, 9, 1)},
    )  # fmt: skip
    flags = {f"d{n:02d}": n in deprivations for n in range(1, 13)}
    return HouseholdReview.objects.create(
        household=household,
        round=round_,
        year=year,
        reference_date=dt.date(year, 9, 1),
        standard=PovertyStandard.objects.first(),
        is_urban=False,
        income_per_capita=1_000_000,
        classification=classification,
        deprivation_count=len(deprivations),
        member_count=members,
        status=status,
        is_current=True,
        **flags,
    )


def build_province_data() -> dict:
    communes = {a.code: a for a in Area.objects.filter(code__in=POPULATION)}
    for code, (households, persons) in POPULATION.items():
        for year in (2022, 2023):
            AreaPopulation.objects.create(
                area=communes[code], year=year, households=households, persons=persons
            )
    result = {}
    for code, commune, before, after, _movement, deps, members, flags, status in HOUSEHOLDS:
        household = Household.objects.create(
            code=code, commune=communes[commune], head_name=f"Chủ hộ {code}", **flags
        )
        make_review(household, 2022, before, members=members)
        make_review(household, 2023, after, status=status, deprivations=deps, members=members)
        result[code] = household
    return result


@pytest.fixture
def province_data(db):
    return build_province_data()


@pytest.fixture
def rebuilt(province_data):
    from reports.services import snapshot_rebuild

    for year in (2022, 2023):
        snapshot_rebuild(year=year)
    return province_data
