"""Issue 13's review truth (unknown facts, overrides with reasons) under issue 15's standards:
the 2027 standard's indicators are undecided, overridden and named by their own codes."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from households import rules, services
from households.models import HouseholdReview, PovertyIndicator, PovertyStandard

pytestmark = pytest.mark.django_db

# Every 2027 fact recorded but the waste treatment (the 13th column, code CS12 of 2027).
NO_WASTE = rules.HouseholdFacts(
    nondurable_parts=0,
    floor_area_m2=80,
    water_source="tap",
    latrine="septic",
    uses_internet=True,
    uses_digital_services=True,
)


def recorded(household) -> None:
    household.members.update(
        has_health_insurance=True,
        work_status=rules.SELF_EMPLOYED,
        education="upper_secondary",
        school_level="",
        has_disability=False,
        receives_social_allowance=False,
        is_malnourished=False,
    )


def test_an_unknown_2027_fact_leaves_its_indicator_undecided_and_blocks_submission(
    alice, household
):
    recorded(household)
    data = services.ReviewInput(income_per_capita=3_000_000, facts=NO_WASTE, ticks={})
    review = services.review_save(household=household, year=2027, data=data, user=alice)
    assert review.standard.code == "2027-2030"
    assert review.sources["13"] == rules.UNKNOWN
    assert "12" not in review.sources  # the 2027 set has no information-means indicator
    assert services.review_unknown_codes(review) == ["CS12"]
    with pytest.raises(ValidationError) as error:
        services.review_submit(review=review, user=alice)
    assert "CS12" in error.value.messages[0]
    assert "CS13" not in error.value.messages[0]
    assert HouseholdReview.objects.get(pk=review.pk).status == "draft"


def test_an_override_of_a_2027_indicator_needs_a_reason_and_is_recorded(alice, household):
    recorded(household)
    facts = rules.HouseholdFacts(**{**NO_WASTE.__dict__, "waste_treatment": "collected"})
    without = services.ReviewInput(income_per_capita=3_000_000, facts=facts, ticks={13: True})
    with pytest.raises(ValidationError) as error:
        services.review_save(household=household, year=2027, data=without, user=alice)
    assert "CS12" in str(error.value)
    assert not HouseholdReview.objects.filter(household=household, year=2027).exists()
    reason = "Bãi rác ấp đã đóng từ tháng 10, hộ tự đổ ra kênh"
    data = services.ReviewInput(
        income_per_capita=3_000_000, facts=facts, ticks={13: True}, override_reasons={13: reason}
    )
    review = services.review_save(household=household, year=2027, data=data, user=alice)
    assert (review.d13, review.sources["13"]) == (True, rules.OVERRIDDEN)
    assert review.overrides["13"]["reason"] == reason
    assert review.overrides["13"]["by"] == "alice"


def test_reclassifying_a_round_keeps_the_officers_overrides_and_reasons(alice, household):
    recorded(household)
    facts = rules.HouseholdFacts(**{**NO_WASTE.__dict__, "waste_treatment": "collected"})
    reason = "Nước máy bị cắt cả mùa khô"
    data = services.ReviewInput(
        income_per_capita=3_000_000, facts=facts, ticks={9: True}, override_reasons={9: reason}
    )
    review = services.review_save(household=household, year=2027, data=data, user=alice)
    assert review.overrides["9"]["reason"] == reason
    # The province's own version of the 2027 set, with a higher line (a local standard).
    local = PovertyStandard(
        code="LOCAL-2027", name="Chuẩn địa phương 2027", scope="local",
        province=household.commune.parent.parent, year_from=2027, year_to=2027,
        rural_poverty_line=3_500_000, urban_poverty_line=4_000_000, has_average_band=False,
        poor_min_deprivations=3,
    )  # fmt: skip
    local.save()
    for i in PovertyStandard.objects.get(code="2027-2030").indicators.all():
        PovertyIndicator.objects.create(
            standard=local, number=i.number, code=i.code, column=i.column, service=i.service,
            name=i.name, rule=i.rule, params=i.params,
        )  # fmt: skip
    count = services.round_reclassify(
        round_=review.round, standard=local, user=alice, reason="Thử chuẩn địa phương 2027"
    )
    assert count == 1
    review.refresh_from_db()
    assert (review.standard.code, review.poverty_line) == ("LOCAL-2027", 3_500_000)
    assert (review.d09, review.sources["9"]) == (True, rules.OVERRIDDEN)
    assert review.overrides["9"]["reason"] == reason
    assert review.history.latest().history_change_reason == "Thử chuẩn địa phương 2027"
