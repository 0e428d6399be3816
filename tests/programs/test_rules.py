from datetime import date

import pytest

from programs import rules
from programs.rules import EligibilityFacts, LoanFacts, MemberCard, Received

ON = date(2023, 6, 1)
CREDIT = ["poor", "near_poor", "recently_escaped"]


@pytest.mark.parametrize(
    ("classifications", "meritorious", "groups", "ok"),
    [
        ({2023: "poor"}, False, CREDIT, True),
        ({2023: "near_poor"}, False, CREDIT, True),
        ({2022: "poor", 2023: "above"}, False, CREDIT, True),  # escaped last year
        ({2020: "near_poor", 2023: "average"}, False, CREDIT, True),  # 3 years before: still recent
        ({2019: "poor", 2023: "above"}, False, CREDIT, False),  # 4 years: no longer recent
        ({2023: "above"}, False, CREDIT, False),
        ({}, False, CREDIT, False),  # on no list
        (
            {2022: "poor"},
            False,
            CREDIT,
            True,
        ),  # this year's review not approved yet: 2022 list in force
        ({2024: "poor"}, False, CREDIT, False),  # a later year's list is not in force on ON
        ({2023: "above"}, True, ["meritorious"], True),
        ({2023: "poor"}, False, ["meritorious"], False),
        ({2023: "above"}, False, [], True),  # no restriction
    ],
)
def test_household_eligibility(classifications, meritorious, groups, ok):
    facts = EligibilityFacts(classifications=classifications, is_meritorious=meritorious)
    result, reason = rules.eligibility(groups, facts, ON)
    assert result is ok
    assert (reason == "") is ok


def test_refusal_names_the_groups():
    ok, reason = rules.eligibility(CREDIT, EligibilityFacts({2023: "above"}), ON)
    assert not ok
    assert "hộ nghèo, hộ cận nghèo, hộ mới thoát nghèo" in reason
    assert "01/06/2023" in reason


@pytest.mark.parametrize(
    ("dob", "groups", "ok"),
    [
        (date(2010, 1, 1), ["poor", "children"], True),  # 13
        (date(2007, 6, 1), ["poor", "children"], False),  # exactly 16 on ON
        (date(2007, 6, 2), ["poor", "children"], True),  # one day short of 16
        (date(1990, 1, 1), ["poor", "working_age"], True),
        (date(1950, 1, 1), ["poor", "working_age"], False),
    ],
)
def test_member_eligibility(dob, groups, ok):
    facts = EligibilityFacts(classifications={2023: "poor"}, member_date_of_birth=dob)
    assert rules.eligibility(groups, facts, ON)[0] is ok


@pytest.mark.parametrize(
    ("start", "until", "on", "covering"),
    [
        (date(2023, 1, 1), date(2023, 12, 31), date(2023, 12, 31), True),  # last valid day
        (date(2023, 1, 1), date(2023, 12, 31), date(2024, 1, 1), False),  # expired
        (date(2023, 1, 1), None, date(2030, 1, 1), True),  # one-off: from its date on
        (date(2023, 5, 2), None, date(2023, 5, 1), False),  # not yet
    ],
)
def test_is_covering(start, until, on, covering):
    assert rules.is_covering(start, until, on) is covering


@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [
        ((date(2023, 1, 1), date(2023, 12, 31)), (date(2023, 12, 31), None), True),
        ((date(2023, 1, 1), date(2023, 12, 31)), (date(2024, 1, 1), date(2024, 12, 31)), False),
        ((date(2023, 3, 1), None), (date(2023, 3, 1), None), True),
        ((date(2023, 3, 1), None), (date(2023, 3, 2), None), False),
    ],
)
def test_periods_overlap(a, b, overlap):
    assert rules.periods_overlap(*a, *b) is overlap


@pytest.mark.parametrize(
    ("deprived", "received", "lacking", "expected"),
    [
        ([4, 9, 10], [], None, [4, 9, 10]),
        ([9, 10], [Received((9, 10), date(2023, 1, 1))], None, []),
        ([4], [Received((4,), date(2022, 1, 1), date(2022, 12, 31))], None, [4]),  # expired card
        ([4], [Received((4,), date(2023, 1, 1), date(2023, 12, 31))], None, []),
        ([4], [Received((4,), date(2023, 1, 1), date(2023, 12, 31))], 1, [4]),  # one still lacks
        ([4], [], 0, []),  # every member now holds a card
        ([1, 7], [Received((7, 8), date(2024, 1, 1))], None, [1, 7]),  # support not yet given
    ],
)
def test_gaps(deprived, received, lacking, expected):
    assert rules.gaps(deprived, received, ON, members_lacking_card=lacking) == expected


def test_health_card_coverage():
    on = date(2023, 12, 31)
    adult_ok = MemberCard(date(1980, 1, 1), True, date(2023, 12, 31))
    adult_expired = MemberCard(date(1980, 1, 1), True, date(2023, 12, 30))
    adult_none = MemberCard(date(1980, 1, 1), False)
    small_child = MemberCard(date(2018, 1, 1), False)  # 5: needs no card
    six = MemberCard(date(2017, 12, 31), False)  # exactly 6: needs one
    households = [
        [adult_ok, small_child],
        [adult_ok, adult_expired],
        [adult_none],
        [small_child],
        [adult_ok, six],
        [MemberCard(date(1980, 1, 1), True, None)],
    ]
    assert rules.health_card_coverage(households, on) == (3, 6)


def test_credit_coverage():
    rows = [
        LoanFacts(True, True, True),
        LoanFacts(True, True, False),
        LoanFacts(True, False, True),
        LoanFacts(False, True, True),
    ]
    assert rules.credit_coverage(rows) == (1, 2)


def test_tuition_coverage_counts_ages_3_to_under_16():
    on = date(2023, 12, 31)
    children = [
        (date(2020, 12, 31), True),  # exactly 3
        (date(2021, 1, 1), True),  # 2
        (date(2008, 1, 1), False),  # 15
        (date(2007, 12, 31), True),  # exactly 16
    ]
    assert rules.tuition_coverage(children, on) == (1, 2)


def test_meritorious_poor_supported():
    rows = [
        (True, "poor", True),
        (True, "poor", False),
        (True, "near_poor", True),
        (False, "poor", True),
    ]
    assert rules.meritorious_poor_supported(rows) == (1, 2)
