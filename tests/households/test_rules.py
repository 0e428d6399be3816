"""The rules table: every legal rule and boundary, without a database."""

from datetime import date

import pytest

from households import rules
from households.rules import Finding, HouseholdFacts, MemberFacts

LINES = rules.STANDARD_2022_2025
ON = date(2023, 9, 1)


def person(name="Nguyễn Văn B", born=date(1989, 1, 1), **kwargs) -> MemberFacts:
    return MemberFacts(full_name=name, date_of_birth=born, **kwargs)


def classify(income, *, urban=False, count=0):
    return rules.classify(
        income_per_capita=income, is_urban=urban, deprivation_count=count, lines=LINES
    )


# --- income lines and the deprivation count ---------------------------------------------------


def test_rural_exactly_on_the_line_is_within_it():
    assert classify(1_500_000, count=3) == rules.POOR
    assert classify(1_500_000, count=0) == rules.NEAR_POOR


def test_rural_one_dong_above_the_line_is_not_poor():
    assert classify(1_500_001, count=5) == rules.AVERAGE


def test_urban_line_is_two_million_inclusive():
    assert classify(2_000_000, urban=True, count=3) == rules.POOR
    assert classify(2_000_001, urban=True, count=3) == rules.AVERAGE
    assert classify(1_800_000, urban=False, count=3) == rules.AVERAGE


def test_exactly_three_deprivations_is_poor_two_is_near_poor():
    assert classify(1_000_000, count=3) == rules.POOR
    assert classify(1_000_000, count=2) == rules.NEAR_POOR


def test_average_and_above_lines():
    assert classify(2_250_000) == rules.AVERAGE
    assert classify(2_250_001) == rules.ABOVE
    assert classify(3_000_000, urban=True) == rules.AVERAGE
    assert classify(3_000_001, urban=True) == rules.ABOVE


def test_negative_income_is_refused():
    with pytest.raises(ValueError):
        classify(-1)


# --- ages at the reference date ----------------------------------------------------------------


def test_age_on_birthday_and_day_before():
    assert rules.age_on(date(2017, 9, 1), ON) == 6
    assert rules.age_on(date(2017, 9, 2), ON) == 5


def test_child_turning_six_on_2_september_needs_no_card_yet():
    child = person("Bé A", date(2017, 9, 2))
    assert rules.health_insurance([child], ON).deprived is False


def test_child_turning_six_on_1_september_needs_a_card():
    child = person("Bé A", date(2017, 9, 1))
    finding = rules.health_insurance([child], ON)
    assert finding.deprived is True
    assert finding.reasons == ("Bé A, 6 tuổi, không có thẻ BHYT",)


# --- urban vs rural, a town of 2023 that was a commune in 2022 -----------------------------------


def test_tiem_tom_rural_for_2022_urban_for_2023():
    changed = date(2023, 4, 1)
    kw = {"former_kind": "xa", "kind_changed_on": changed}
    assert rules.is_urban_on("thi_tran", on=date(2022, 9, 1), **kw) is False
    assert rules.is_urban_on("thi_tran", on=date(2023, 9, 1), **kw) is True


def test_wards_urban_communes_rural():
    assert rules.is_urban_on("phuong", on=ON) is True
    assert rules.is_urban_on("xa", on=ON) is False


# --- each of the 12 indicators ----------------------------------------------------------------


def test_cs01_employment():
    assert rules.employment([person(work_status="unemployed")], ON).deprived is True
    assert rules.employment([person(work_status="wage_no_contract")], ON).deprived is True
    assert rules.employment([person(work_status="wage_contract")], ON).deprived is False
    retired = person(born=date(1950, 1, 1), work_status="unemployed")
    assert rules.employment([retired], ON).deprived is False
    assert rules.employment([], ON).deprived is None


def test_cs02_dependants_more_than_half():
    adult, child = person(), person("Bé", date(2015, 1, 1))
    assert rules.dependants([adult, child], ON).deprived is False  # exactly half
    assert rules.dependants([adult, child, child], ON).deprived is True
    assert rules.dependants([], ON).deprived is None


def test_cs03_nutrition():
    child = person("Bé", date(2020, 1, 1), is_malnourished=True)
    assert rules.nutrition([child], ON).deprived is True
    assert rules.nutrition([person("Bé", date(2020, 1, 1))], ON).deprived is False
    assert rules.nutrition([], ON).deprived is None


def test_cs04_health_insurance_member_aged_34_without_card():
    finding = rules.health_insurance([person()], ON)
    assert finding.deprived is True
    assert finding.reasons == ("Nguyễn Văn B, 34 tuổi, không có thẻ BHYT",)
    expired = person(has_health_insurance=True, health_insurance_expiry=date(2023, 8, 31))
    assert rules.health_insurance([expired], ON).deprived is True
    valid = person(has_health_insurance=True, health_insurance_expiry=date(2023, 9, 1))
    assert rules.health_insurance([valid], ON).deprived is False
    assert rules.health_insurance([], ON).deprived is None


def test_cs05_adult_education():
    young = person(born=date(2000, 1, 1), education="lower_secondary")
    assert rules.adult_education([young], ON).deprived is True
    assert (
        rules.adult_education([person(born=date(2000, 1, 1), education="vocational")], ON).deprived
        is False
    )
    teen = person(born=date(2006, 6, 1), education="lower_secondary")
    assert rules.adult_education([teen], ON).deprived is False
    studying = person(born=date(2000, 1, 1), education="primary", school_level="higher")
    assert rules.adult_education([studying], ON).deprived is False
    assert rules.adult_education([], ON).deprived is None


def test_cs06_child_schooling():
    assert rules.child_schooling([person("Bé", date(2015, 1, 1))], ON).deprived is True
    late = person("Bé", date(2011, 1, 1), school_level="primary")
    assert rules.child_schooling([late], ON).deprived is True
    ok = person("Bé", date(2015, 1, 1), school_level="primary")
    assert rules.child_schooling([ok], ON).deprived is False
    assert rules.child_schooling([], ON).deprived is None


def test_cs07_housing_quality():
    assert rules.housing_quality(HouseholdFacts(nondurable_parts=2)).deprived is True
    assert rules.housing_quality(HouseholdFacts(nondurable_parts=1)).deprived is False
    assert rules.housing_quality(HouseholdFacts()).deprived is None


def test_cs08_housing_area_below_8_m2():
    assert rules.housing_area(HouseholdFacts(floor_area_m2=31.9), 4).deprived is True
    assert rules.housing_area(HouseholdFacts(floor_area_m2=32), 4).deprived is False
    assert rules.housing_area(HouseholdFacts(), 4).deprived is None


def test_cs09_water():
    assert rules.water(HouseholdFacts(water_source="unprotected")).deprived is True
    assert rules.water(HouseholdFacts(water_source="rainwater")).deprived is False
    assert rules.water(HouseholdFacts()).deprived is None


def test_cs10_latrine():
    assert rules.latrine(HouseholdFacts(latrine="unhygienic")).deprived is True
    assert rules.latrine(HouseholdFacts(latrine="septic")).deprived is False
    assert rules.latrine(HouseholdFacts()).deprived is None


def test_cs11_telecom():
    assert rules.telecom(HouseholdFacts(uses_internet=False)).deprived is True
    assert rules.telecom(HouseholdFacts(uses_internet=True)).deprived is False
    assert rules.telecom(HouseholdFacts()).deprived is None


def test_cs12_information_access():
    assert rules.information_access(HouseholdFacts(has_information_device=False)).deprived is True
    assert rules.information_access(HouseholdFacts(has_information_device=True)).deprived is False
    assert rules.information_access(HouseholdFacts()).deprived is None


# --- ticks against facts -----------------------------------------------------------------------


def test_tick_contradicting_facts_is_a_conflict():
    resolved = rules.resolve_deprivations({4: Finding(True, ("x",))}, {4: False})
    assert resolved.conflicts == (4,)
    assert resolved.deprived[4] is False
    assert resolved.sources[4] == rules.OVERRIDDEN


def test_unknown_facts_let_the_tick_stand():
    resolved = rules.resolve_deprivations({7: Finding(None)}, {7: True})
    assert resolved.deprived[7] is True
    assert resolved.sources[7] == rules.REVIEWER
    assert resolved.conflicts == ()


def test_evaluate_end_to_end_poor_household():
    evaluation = rules.evaluate(
        members=[person(work_status="unemployed")],
        facts=HouseholdFacts(latrine="unhygienic", water_source="tap"),
        ticks={},
        income_per_capita=1_200_000,
        is_urban=False,
        lines=LINES,
        on=ON,
    )
    assert evaluation.count == 3  # CS01, CS04, CS10
    assert evaluation.classification == rules.POOR


# --- citizen ID -------------------------------------------------------------------------------


def test_citizen_id_valid():
    assert (
        rules.citizen_id_error("083089000123", date_of_birth=date(1989, 5, 1), is_female=False)
        is None
    )


@pytest.mark.parametrize(
    ("value", "dob", "female", "message"),
    [
        ("08308900012", None, None, "Số CCCD phải gồm đúng 12 chữ số."),
        ("08308900012a", None, None, "Số CCCD phải gồm đúng 12 chữ số."),
        ("999089000123", None, None, "Ba số đầu của CCCD (999) không phải mã tỉnh hợp lệ."),
        (
            "083089000123",
            date(1990, 1, 1),
            None,
            "CCCD ghi năm sinh 1989, không khớp ngày sinh 01/01/1990.",
        ),
        ("083089000123", None, True, "Số thứ tư của CCCD không khớp giới tính."),
    ],
)
def test_citizen_id_errors(value, dob, female, message):
    assert rules.citizen_id_error(value, date_of_birth=dob, is_female=female) == message


# --- movements --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("previous", "current", "ever_poor", "expected"),
    [
        ("poor", "poor", False, "stayed_poor"),
        ("poor", "near_poor", False, "poor_to_near_poor"),
        ("poor", "above", False, "escaped"),
        ("near_poor", "poor", False, "newly_poor"),
        ("above", "poor", False, "newly_poor"),
        ("above", "poor", True, "reimpoverished"),
        ("near_poor", "above", False, "escaped_near_poor"),
        ("above", "near_poor", False, "newly_near_poor"),
        ("above", "above", False, "unchanged"),
        (None, "poor", False, "joined"),
        (None, "near_poor", False, "joined"),
        (None, "above", False, "unchanged"),
        ("poor", None, False, "left"),
        ("near_poor", None, False, "left"),
        ("average", None, False, "unchanged"),
    ],
)
def test_movement_table(previous, current, ever_poor, expected):
    assert rules.movement(previous, current, ever_poor=ever_poor, ever_near_poor=False) == expected


# --- amounts typed the Vietnamese way ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1.500.000", 1_500_000),
        ("1 500 000", 1_500_000),
        ("1500000 đ", 1_500_000),
        ("1,5", None),
        ("abc", None),
        ("-200.000", -200_000),
        ("", None),
    ],
)
def test_parse_vietnamese_integer(text, value):
    assert rules.parse_vietnamese_integer(text) == value


def test_mask_identifier():
    assert rules.mask_identifier("083089000123") == "0**********3"


def test_ticks_only_shortcut_gives_the_general_result():
    """A row with nothing recorded but the ticks takes a shortcut; it must agree with the
    general path (facts -> findings -> resolution) on every input."""
    import random

    generator = random.Random(7)
    for _ in range(2000):
        ticks = {n: generator.choice((True, False, None)) for n in rules.INDICATORS}
        size = generator.choice((None, 0, 1, 4, 12))
        general = rules.from_facts([], HouseholdFacts(), ticks, ON, size)
        assert (rules.ticks_only(ticks), {}) == general


# --- CS06: the school-age table, at every edge, both directions ---------------------------------

# Whole years at the reference date 1/9/2023: TURNS_TODAY[a] has the a-th birthday on the date,
# TURNS_TOMORROW[a] is still a and has the next birthday one day after it.
TURNS_TODAY = {age: date(2023 - age, 9, 1) for age in range(2, 17)}
TURNS_TOMORROW = {age: date(2023 - age - 1, 9, 2) for age in range(2, 17)}


def schooling(age_born: date, level: str) -> bool | None:
    child = person("Trần Thị Bé", age_born, school_level=level)
    return rules.child_schooling([child], ON).deprived


def test_school_age_table_is_the_education_law():
    assert rules.SCHOOL_AGE_TABLE == (
        (3, "preschool"),
        (6, "primary"),
        (11, "lower_secondary"),
        (15, "upper_secondary"),
    )
    assert "Điều 28" in rules.SCHOOL_AGE_SOURCE
    assert [rules.expected_school_level(a) for a in (2, 3, 5, 6, 10, 11, 14, 15)] == [
        None, "preschool", "preschool", "primary", "primary", "lower_secondary",
        "lower_secondary", "upper_secondary",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("age", "level", "deprived"),
    [
        # 5/6: grade 1 at 6
        (5, "preschool", False),
        (6, "primary", False),
        (6, "preschool", True),
        (5, "", True),
        # 10/11: grade 6 at 11
        (10, "primary", False),
        (11, "lower_secondary", False),
        (11, "primary", True),
        (10, "preschool", True),
        # 14/15: grade 10 at 15; a 15-year-old still in lower secondary is deprived
        (14, "lower_secondary", False),
        (15, "upper_secondary", False),
        (15, "vocational", False),
        (15, "lower_secondary", True),
        (14, "primary", True),
        # 2/3: the indicator starts at 3
        (2, "", False),
        (3, "", True),
        (3, "preschool", False),
    ],
)
def test_cs06_at_each_age_edge(age, level, deprived):
    assert rules.age_on(TURNS_TODAY[age], ON) == age
    assert schooling(TURNS_TODAY[age], level) is deprived


@pytest.mark.parametrize(
    ("younger_age", "level", "deprived_younger", "deprived_at_edge"),
    [
        (5, "preschool", False, True),  # 5 -> 6 in preschool
        (10, "primary", False, True),  # 10 -> 11 in primary
        (14, "lower_secondary", False, True),  # 14 -> 15 in lower secondary
        (15, "lower_secondary", True, False),  # 15 -> 16: outside CS06 (CS05 from 16)
        (15, "", True, False),
    ],
)
def test_cs06_one_day_either_side_of_a_birthday(
    younger_age, level, deprived_younger, deprived_at_edge
):
    # Born 2 September: still `younger_age` on 1/9; born 1 September: one year older.
    assert rules.age_on(TURNS_TOMORROW[younger_age], ON) == younger_age
    assert schooling(TURNS_TOMORROW[younger_age], level) is deprived_younger
    assert schooling(TURNS_TODAY[younger_age + 1], level) is deprived_at_edge


def test_cs06_reason_names_the_child_and_the_age():
    child = person("Trần Thị Bé", TURNS_TODAY[15], school_level="lower_secondary")
    assert rules.child_schooling([child], ON).reasons == (
        "Trần Thị Bé, 15 tuổi, học chậm so với độ tuổi",
    )
