"""coverage_counts_by_commune against a hand-computed fixture, and the bulk filter."""

from datetime import date

import pytest

from households.filters import HouseholdFilter
from households.models import Area
from households.selectors import household_list_for_user
from programs.models import Programme, SupportRecord
from programs.selectors import COVERAGE_CODES, bulk_household_list, coverage_counts_by_commune

from .conftest import make_household, make_review

pytestmark = pytest.mark.django_db

ADULT, KID10, KID2 = date(1980, 1, 1), date(2013, 5, 1), date(2022, 1, 1)


def record(code, household, member=None, on=date(2023, 4, 1), until=None):
    return SupportRecord.objects.create(
        programme=Programme.objects.get(code=code),
        household=household,
        member=member,
        date=on,
        valid_until=until,
    )


@pytest.fixture
def fixture(catalogue):
    """An Đức (29173): five households A-E; Thị trấn Thạnh Phú (29182): F."""
    card = {"has_health_insurance": True, "health_insurance_expiry": date(2023, 12, 31)}
    # A: poor, all 6+ carded (a 2-year-old without card is fine), wants a loan, got credit,
    # meritorious, kid 10 with tuition record.
    a = make_household(
        "A",
        members=[
            {"date_of_birth": ADULT, **card},
            {"date_of_birth": KID10, **card},
            {"date_of_birth": KID2},
        ],
        wants_loan=True,
        is_meritorious=True,
    )
    record("NHCSXH", a, on=date(2022, 3, 1), until=date(2025, 3, 1))  # loan running in 2023
    record("HOCPHI", a, a.members.get(date_of_birth=KID10), until=date(2023, 12, 31))
    # B: near-poor, card expired 30/12 -> not covered; wants loan, no credit; kid 10 no tuition.
    make_household(
        "B",
        classification="near_poor",
        members=[
            {
                "date_of_birth": ADULT,
                "has_health_insurance": True,
                "health_insurance_expiry": date(2023, 12, 30),
            },
            {"date_of_birth": KID10},
        ],
        wants_loan=True,
    )
    # C: recently escaped (poor 2021, above 2023), wants loan, credit in 2023; not in HI base.
    c = make_household(
        "C", year=2021, classification="poor", members=[{"date_of_birth": ADULT}], wants_loan=True
    )
    make_review(c, 2023, "above")
    record("NHCSXH", c, until=date(2026, 4, 1))
    # D: poor, meritorious, no support; member without card but covered by a card record only;
    # a member who left in 2023 without card does not count. Trained + placed members.
    d = make_household(
        "D",
        members=[{"date_of_birth": ADULT}, {"date_of_birth": ADULT, "left_on": date(2023, 6, 1)}],
        is_meritorious=True,
    )
    d_adult = d.members.get(left_on=None)
    SupportRecord.objects.create(  # a card record for 2023 without the member fact
        programme=Programme.objects.get(code="BHYT"),
        household=d,
        member=d_adult,
        date=date(2023, 1, 1),
        valid_until=date(2023, 12, 31),
    )
    # E: draft review (not approved) -> excluded; a training record still counts as a worker.
    e = make_household("E", classification=None, members=[{"date_of_birth": ADULT}])
    make_review(e, 2023, "poor", status="draft")
    record("DAYNGHE", e, e.members.get())
    record("DAYNGHE", e, e.members.get(), on=date(2022, 4, 1))  # other year: no
    # F in Thạnh Phú: poor, adult without card; a worker abroad.
    f = make_household("F", commune="29182", members=[{"date_of_birth": ADULT}])
    record("XKLD", f, f.members.get())
    return {
        "an_duc": Area.objects.get(code="29173").pk,
        "thanh_phu": Area.objects.get(code="29182").pk,
    }


def test_coverage_counts_by_commune(fixture):
    counts = coverage_counts_by_commune(2023)
    an_duc = counts[fixture["an_duc"]]
    assert an_duc["health_insurance_coverage"] == (2, 3)
    assert an_duc["credit_coverage"] == (2, 3)
    assert an_duc["tuition_exemption_coverage"] == (1, 2)
    # D's card record is support in the year, so both meritorious poor households count.
    assert an_duc["meritorious_poor_supported"] == (2, 2)
    assert an_duc["workers_trained"] == (1, 0)
    assert an_duc["workers_placed"] == (0, 0)
    assert counts[fixture["thanh_phu"]] == {
        **dict.fromkeys(COVERAGE_CODES, (0, 0)),
        "health_insurance_coverage": (0, 1),
        "workers_abroad": (1, 0),
    }
    assert set(counts) == {fixture["an_duc"], fixture["thanh_phu"]}


def test_coverage_of_a_year_without_data_is_empty(fixture):
    assert coverage_counts_by_commune(2019) == {}


def test_coverage_is_set_based(fixture, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        coverage_counts_by_commune(2023)


def household_filter(user, params: dict, *, on: date):
    """What the bulk page selects for these GET params (the household list's filter + lacking)."""
    filterset = HouseholdFilter(
        params, household_list_for_user(user), user=user, year=int(params.get("year", 2023))
    )
    lacking = params.get("lacking_health_insurance") == "1"
    return bulk_household_list(filterset, lacking_card=lacking, on=on)


def test_household_filter(fixture, alice, bob, charlie, pat):
    on = date(2024, 1, 15)  # every card has expired by then
    params = {"classification": "poor", "year": "2023", "lacking_health_insurance": "1"}
    # the filter reads the year's current review whatever its status (E's is a draft)
    assert list(household_filter(alice, params, on=on).values_list("code", flat=True)) == [
        "A",
        "D",
        "E",
    ]
    assert household_filter(pat, params, on=on).filter(code="F").exists()
    an_duc = str(fixture["an_duc"])
    assert household_filter(bob, {"commune": an_duc}, on=on).count() == 5
    # a commune outside the user's area selects nothing (it is not ignored)
    assert household_filter(charlie, {"commune": an_duc}, on=on).count() == 0
    on23 = date(2023, 6, 1)
    lacking = household_filter(bob, {"lacking_health_insurance": "1"}, on=on23)
    assert list(lacking.values_list("code", flat=True)) == ["B", "C", "E"]  # B: kid 10 uncarded
    assert list(
        household_filter(bob, {"group": "is_meritorious"}, on=on23).values_list("code", flat=True)
    ) == ["A", "D"]
