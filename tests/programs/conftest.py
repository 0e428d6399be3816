from __future__ import annotations

from datetime import date

import pytest

from households.models import Area, Household, HouseholdReview, Member, PovertyStandard, ReviewRound
from programs.reference_data import programmes_load


@pytest.fixture
def catalogue(db):
    programmes_load()


def make_review(household: Household, year: int, classification: str, **flags) -> HouseholdReview:
    round_, _created = ReviewRound.objects.get_or_create(
        area=household.commune,
        year=year,
        kind="periodic",
        month=0,
        defaults={"reference_date": date(year, 9, 1)},
    )
    return HouseholdReview.objects.create(
        household=household,
        round=round_,
        year=year,
        reference_date=date(year, 9, 1),
        standard=PovertyStandard.objects.first(),
        is_urban=False,
        income_per_capita=1_000_000,
        classification=classification,
        status=flags.pop("status", "approved"),
        is_current=True,
        **flags,
    )


def make_household(
    code: str,
    *,
    commune: str = "29173",
    year: int | None = 2023,
    classification: str | None = "poor",
    members=(),
    **fields,
) -> Household:
    household = Household.objects.create(
        code=code, commune=Area.objects.get(code=commune), head_name=f"Chủ hộ {code}", **fields
    )
    for i, spec in enumerate(members):
        spec = dict(spec)
        Member.objects.create(
            household=household,
            full_name=spec.pop("full_name", f"Người {code}-{i}"),
            sex=spec.pop("sex", "M"),
            date_of_birth=spec.pop("date_of_birth"),
            relationship="head" if i == 0 else "child",
            **spec,
        )
    if year and classification:
        make_review(household, year, classification)
    return household


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded workbooks kept for the error download go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
