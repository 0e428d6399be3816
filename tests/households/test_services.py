from datetime import date

import pytest
from django.core.exceptions import ValidationError

from households import rules, services
from households.models import Household, HouseholdReview, Member

pytestmark = pytest.mark.django_db

DATA = services.ReviewInput(
    income_per_capita=1_500_000,
    facts=rules.HouseholdFacts(
        nondurable_parts=0,
        floor_area_m2=50,
        water_source="tap",
        latrine="septic",
        uses_internet=True,
        has_information_device=True,
    ),
    ticks={},
)


def test_review_lifecycle_and_approved_is_not_editable(alice, bob, household):
    review = services.review_save(household=household, year=2023, data=DATA, user=alice)
    assert review.classification == "near_poor"  # exactly on the rural line, 1 deprivation
    assert review.reasons["4"] == ["Nguyễn Văn An, 34 tuổi, không có thẻ BHYT"]
    services.review_submit(review=review, user=alice)
    services.review_approve(review=review, user=bob)
    with pytest.raises(ValidationError):
        services.review_save(household=household, year=2023, data=DATA, user=alice)


def test_review_stale_version_is_refused(alice, household):
    review = services.review_save(household=household, year=2023, data=DATA, user=alice)
    services.review_save(
        household=household, year=2023, data=DATA, user=alice, expected_version=review.version
    )
    with pytest.raises(services.ConcurrentEditError):
        services.review_save(
            household=household, year=2023, data=DATA, user=alice, expected_version=review.version
        )


def test_household_save_records_history_user_and_bumps_version(alice, household):
    household.phone = "0912345678"
    services.household_save(household=household, members=[], user=alice, expected_version=1)
    household.refresh_from_db()
    assert household.version == 2
    record = household.history.latest()
    assert record.history_user == alice
    assert record.diff_against(record.prev_record).changed_fields == ["phone"]


def test_household_save_refuses_taken_citizen_id_and_saves_nothing(alice, household):
    new = Household(code="BT-9", commune=household.commune, head_name="Lê Văn C")
    member = Member(
        full_name="Lê Văn C",
        sex="M",
        date_of_birth=date(1989, 1, 1),
        relationship="head",
        citizen_id="083089000123",
    )
    with pytest.raises(services.MemberRowsError) as info:
        services.household_save(household=new, members=[member], user=alice)
    assert 0 in info.value.rows
    assert not Household.objects.filter(code="BT-9").exists()


def test_review_save_submit_is_both_or_neither(alice, household):
    review = services.review_save_submit(household=household, year=2023, data=DATA, user=alice)
    assert review.status == HouseholdReview.Status.SUBMITTED


def test_school_age_is_counted_at_the_rounds_reference_date(alice, household):
    """CS06 ages at the review's reference date: a child who turns 6 in November is 5 on the
    default 1 September (preschool is right) and 6 on a round dated 1 December (behind)."""
    Member.objects.create(
        household=household, full_name="Nguyễn Thị Bé", sex="F", date_of_birth=date(2017, 11, 15),
        relationship="child", has_health_insurance=True, school_level="preschool",
    )  # fmt: skip
    review = services.review_save(household=household, year=2023, data=DATA, user=alice)
    assert review.reference_date == date(2023, 9, 1)
    assert review.d06 is False
    review.delete()
    round_ = review.round
    round_.reference_date = date(2023, 12, 1)
    round_.save()
    review = services.review_save(household=household, year=2023, data=DATA, user=alice)
    assert review.reference_date == date(2023, 12, 1)
    assert review.d06 is True
    assert review.reasons["6"] == ["Nguyễn Thị Bé, 6 tuổi, học chậm so với độ tuổi"]
